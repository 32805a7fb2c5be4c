package io.gatekeep.localaws;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatekeep.shared.Json;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.ResourceAlreadyExistsException;
import software.amazon.awssdk.services.ses.SesClient;
import software.amazon.awssdk.services.ses.model.AlreadyExistsException;
import software.amazon.awssdk.services.ses.model.Template;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What template.yaml deploys for the notices, made through the AWS SDK in the emulator {@link NoticeAws} names
 * (LocalStack or another configured endpoint, else moto started here): the
 * EventBridge bus with a rule that sends every notice to an SQS queue (how a product would route
 * them, and how tests and the local runner read back what was published), the SES sender identity
 * verified and the email template exactly as template.yaml's {@code NoticeEmailTemplate} defines it.
 */
public final class NoticeSinks implements AutoCloseable {
    private final NoticeAws aws;
    private final String template;
    private final EventBridgeClient events;
    private final SesClient ses;
    private final SqsClient sqs;
    private final String queueUrl;

    public NoticeSinks(NoticeAws aws, String bus, String template, String sender) {
        this.aws = aws;
        this.template = template;
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"));
        events = EventBridgeClient.builder().endpointOverride(aws.endpoints().eventBridge()).region(Region.of(LocalDynamo.REGION))
                .credentialsProvider(credentials).httpClient(UrlConnectionHttpClient.create()).build();
        ses = SesClient.builder().endpointOverride(aws.endpoints().ses()).region(Region.of(LocalDynamo.REGION))
                .credentialsProvider(credentials).httpClient(UrlConnectionHttpClient.create()).build();
        sqs = SqsClient.builder().endpointOverride(aws.endpoints().sqs()).region(Region.of(LocalDynamo.REGION))
                .credentialsProvider(credentials).httpClient(UrlConnectionHttpClient.create()).build();
        // Each step also works when it was done before: bin/run-local restarted against a LocalStack that kept running.
        try {
            events.createEventBus(b -> b.name(bus));
        } catch (ResourceAlreadyExistsException e) {
            // the bus is there from an earlier start
        }
        queueUrl = sqs.createQueue(b -> b.queueName(bus + "-all")).queueUrl();
        String queueArn = sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        events.putRule(b -> b.name("all-notices").eventBusName(bus).eventPattern("{\"source\": [\"gatekeep.identity\"]}"));
        events.putTargets(b -> b.rule("all-notices").eventBusName(bus).targets(t -> t.id("queue").arn(queueArn)));
        ses.verifyEmailIdentity(b -> b.emailAddress(sender));
        Map<String, Object> parts = templateParts();
        Template defined = Template.builder().templateName(template).subjectPart((String) parts.get("SubjectPart"))
                .textPart((String) parts.get("TextPart")).htmlPart((String) parts.get("HtmlPart")).build();
        try {
            ses.createTemplate(b -> b.template(defined));
        } catch (AlreadyExistsException e) {
            ses.updateTemplate(b -> b.template(defined)); // template.yaml's version, should it have changed since
        }
    }

    /** template.yaml's NoticeEmailTemplate: SubjectPart, TextPart, HtmlPart. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> templateParts() {
        var resource = (Map<String, Object>) SamTemplate.load().resources().get("NoticeEmailTemplate");
        var properties = (Map<String, Object>) resource.get("Properties");
        return (Map<String, Object>) properties.get("Template");
    }

    /** Every notice published on the bus since the last call, as the rule's queue received them (EventBridge envelopes). */
    public List<JsonNode> published() {
        List<JsonNode> out = new ArrayList<>();
        while (true) {
            List<Message> messages = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(0)).messages();
            if (messages.isEmpty()) {
                return out;
            }
            for (Message m : messages) {
                out.add(Json.parse(m.body()));
                sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
            }
        }
    }

    /** Every templated email SES accepted with this template ({@code source}, {@code destinations}, {@code template_data}). */
    public List<JsonNode> emails() {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode message : aws.templatedEmails()) {
            if (template.equals(message.path("template").asText())) {
                out.add(message);
            }
        }
        return out;
    }

    /** SES's own rendering of the template with a message's data (fails when a placeholder has no value). */
    public String render(String templateData) {
        return ses.testRenderTemplate(b -> b.templateName(template).templateData(templateData)).renderedTemplate();
    }

    @Override
    public void close() {
        events.close();
        ses.close();
        sqs.close();
    }
}
