package io.gatekeep.browser;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatekeep.shared.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One tab, driven like a person would: open a URL, read what is shown, click (real mouse events, so a click
 * counts as a user gesture), type, pick from a list, take a screenshot. Every wait has a deadline and fails
 * with what the page showed.
 */
final class Page {
    static final Duration WAIT = Duration.ofSeconds(15);

    private final DevTools devTools;
    private final String targetId;
    private final String sessionId;
    private final AtomicInteger loads = new AtomicInteger();
    private final List<String> errors = new CopyOnWriteArrayList<>();

    Page(DevTools devTools, String targetId, String sessionId) {
        this.devTools = devTools;
        this.targetId = targetId;
        this.sessionId = sessionId;
    }

    void init() {
        devTools.onEvent(event -> {
            if (!sessionId.equals(event.path("sessionId").asText())) {
                return;
            }
            JsonNode params = event.path("params");
            switch (event.path("method").asText()) {
                case "Page.loadEventFired" -> loads.incrementAndGet();
                case "Runtime.exceptionThrown" -> errors.add(params.path("exceptionDetails").toString());
                // The browser's own errors: a blocked script or style (CSP), a failed resource other than an
                // API answer (those are the page's business and show as messages), and so on.
                case "Log.entryAdded" -> {
                    JsonNode entry = params.path("entry");
                    if ("error".equals(entry.path("level").asText()) && !"network".equals(entry.path("source").asText())) {
                        errors.add(entry.path("source").asText() + ": " + entry.path("text").asText());
                    }
                }
                case "Runtime.consoleAPICalled" -> {
                    if ("error".equals(params.path("type").asText())) {
                        errors.add(params.path("args").toString());
                    }
                }
                default -> { }
            }
        });
        send("Page.enable", null);
        send("Runtime.enable", null);
        send("Log.enable", null);
        send("Emulation.setDeviceMetricsOverride", Json.object().put("width", 1280).put("height", 900)
                .put("deviceScaleFactor", 1).put("mobile", false));
    }

    String targetId() {
        return targetId;
    }

    /** Script errors, console.error lines and the browser's own errors (e.g. CSP) seen in this tab. */
    List<String> errors() {
        return List.copyOf(errors);
    }

    /** Navigates and waits for the load event. */
    void open(String url) {
        int before = loads.get();
        JsonNode result = send("Page.navigate", Json.object().put("url", url));
        if (result.hasNonNull("errorText")) {
            throw new AssertionError("cannot open " + url + ": " + result.get("errorText").asText());
        }
        waitFor("the page " + url + " to load", () -> loads.get() > before);
    }

    void reload() {
        int before = loads.get();
        send("Page.reload", Json.object().put("ignoreCache", true));
        waitFor("the page to reload", () -> loads.get() > before);
    }

    /** Runs an expression (promises are awaited) and returns its JSON value. */
    JsonNode eval(String expression) {
        JsonNode result = send("Runtime.evaluate", Json.object().put("expression", expression)
                .put("returnByValue", true).put("awaitPromise", true));
        if (result.has("exceptionDetails")) {
            throw new AssertionError("script failed: " + expression + "\n" + result.get("exceptionDetails"));
        }
        return result.path("result").path("value");
    }

    String url() {
        return eval("location.href").asText();
    }

    /** The visible text of the element with this data-testid ("" when there is none or it is hidden). */
    String text(String testId) {
        return eval("(() => { const e = document.querySelector(" + quote(testid(testId)) + ");"
                + " return e && e.offsetParent !== null ? e.innerText.trim() : ''; })()").asText();
    }

    boolean visible(String selector) {
        return eval("(() => { const e = document.querySelector(" + quote(selector) + ");"
                + " return !!e && e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden'; })()").asBoolean();
    }

    /** The whole visible text of the page. */
    String bodyText() {
        return eval("document.body ? document.body.innerText : ''").asText();
    }

    /** Texts of the visible elements matching a selector, in document order. */
    List<String> texts(String selector) {
        JsonNode values = eval("[...document.querySelectorAll(" + quote(selector) + ")]"
                + ".filter(e => e.getClientRects().length > 0).map(e => e.innerText.trim())");
        List<String> out = new java.util.ArrayList<>();
        values.forEach(v -> out.add(v.asText()));
        return out;
    }

    /** Values of one attribute of the elements matching a selector, in document order. */
    List<String> attributes(String selector, String attribute) {
        JsonNode values = eval("[...document.querySelectorAll(" + quote(selector) + ")].map(e => e.getAttribute("
                + quote(attribute) + "))");
        List<String> out = new java.util.ArrayList<>();
        values.forEach(v -> out.add(v.asText()));
        return out;
    }

    /**
     * Waits for a visible, enabled element that the mouse would hit at its centre (nothing over it), and clicks
     * there with the mouse. A click that the page moved away from before it landed (a re-render
     * above the element) fails here, saying so, rather than later as a missing effect.
     */
    void click(String selector) {
        String element = "document.querySelector(" + quote(selector) + ")";
        JsonNode[] box = new JsonNode[1];
        waitFor("a visible, enabled " + selector + " that a click at its centre reaches", () -> {
            box[0] = eval("(() => { const e = " + element + ";"
                    + " if (!e || e.getClientRects().length === 0 || e.disabled) return null;"
                    + " e.scrollIntoView({block: 'center'}); const r = e.getBoundingClientRect();"
                    + " const x = r.left + r.width / 2, y = r.top + r.height / 2; const hit = document.elementFromPoint(x, y);"
                    + " return hit && (hit === e || e.contains(hit)) ? {x, y} : null; })()");
            return box[0].isObject();
        });
        double x = box[0].path("x").asDouble();
        double y = box[0].path("y").asDouble();
        // Whether the press reached the element: noted in this document (a click that navigates cannot tell).
        eval("(() => { const e = " + element + "; const click = window.__gatekeepClick = {reached: false};"
                + " e.addEventListener('pointerdown', () => { click.reached = true; }, {capture: true, once: true}); })()");
        send("Input.dispatchMouseEvent", Json.object().put("type", "mouseMoved").put("x", x).put("y", y));
        for (String type : List.of("mousePressed", "mouseReleased")) {
            send("Input.dispatchMouseEvent", Json.object().put("type", type).put("x", x).put("y", y)
                    .put("button", "left").put("buttons", 1).put("clickCount", 1));
        }
        String reached;
        try {
            reached = eval("window.__gatekeepClick ? String(window.__gatekeepClick.reached) : 'navigated'").asText();
        } catch (RuntimeException navigating) {
            reached = "navigated";
        }
        if (reached.equals("false")) {
            throw new AssertionError("the click at (" + x + ", " + y + ") did not reach " + selector
                    + ": the page moved it before the mouse landed");
        }
    }

    /** Focuses a field and types into it as keyboard input. */
    void type(String selector, String text) {
        click(selector);
        send("Input.insertText", Json.object().put("text", text));
    }

    /** Picks an option of a select by its value, as a person choosing from the list would (a change event). */
    void select(String selector, String value) {
        waitFor("an enabled " + selector + " with the option " + value, () -> eval("(() => { const s = document.querySelector("
                + quote(selector) + "); return !!s && !s.disabled && [...s.options].some(o => o.value === " + quote(value)
                + "); })()").asBoolean());
        eval("(() => { const s = document.querySelector(" + quote(selector) + "); s.focus(); s.value = " + quote(value)
                + "; s.dispatchEvent(new Event('input', {bubbles: true})); s.dispatchEvent(new Event('change', {bubbles: true})); })()");
    }

    /** Keys as a keyboard sends them: Tab, Shift+Tab, Enter, Space, Escape, ArrowDown, ArrowUp, Home, End. */
    void press(String key) {
        boolean shift = key.startsWith("Shift+");
        String name = shift ? key.substring("Shift+".length()) : key;
        record Key(String key, String code, int keyCode, String text) {}
        Key k = switch (name) {
            case "Tab" -> new Key("Tab", "Tab", 9, null);
            case "Enter" -> new Key("Enter", "Enter", 13, "\r");
            case "Space" -> new Key(" ", "Space", 32, " ");
            case "Escape" -> new Key("Escape", "Escape", 27, null);
            case "ArrowDown" -> new Key("ArrowDown", "ArrowDown", 40, null);
            case "ArrowUp" -> new Key("ArrowUp", "ArrowUp", 38, null);
            case "Home" -> new Key("Home", "Home", 36, null);
            case "End" -> new Key("End", "End", 35, null);
            default -> throw new IllegalArgumentException("no such key here: " + key);
        };
        var down = Json.object().put("type", k.text() == null ? "rawKeyDown" : "keyDown").put("key", k.key()).put("code", k.code())
                .put("windowsVirtualKeyCode", k.keyCode()).put("nativeVirtualKeyCode", k.keyCode()).put("modifiers", shift ? 8 : 0);
        if (k.text() != null) {
            down.put("text", k.text()).put("unmodifiedText", k.text());
        }
        send("Input.dispatchKeyEvent", down);
        send("Input.dispatchKeyEvent", Json.object().put("type", "keyUp").put("key", k.key()).put("code", k.code())
                .put("windowsVirtualKeyCode", k.keyCode()).put("nativeVirtualKeyCode", k.keyCode()).put("modifiers", shift ? 8 : 0));
    }

    /** Types text into whatever has focus, as keyboard input. */
    void typeText(String text) {
        send("Input.insertText", Json.object().put("text", text));
    }

    /** The focused element, named by its data-testid, else its id, else its tag ("body" when focus was dropped). */
    String focused() {
        return eval("(() => { const e = document.activeElement; if (!e) return ''; return e.dataset.testid || e.id"
                + " || e.tagName.toLowerCase(); })()").asText();
    }

    /** Presses Tab until focus reaches the element named {@code target} (see {@link #focused()}); fails after 60 presses. */
    List<String> tabTo(String target) {
        List<String> walk = new java.util.ArrayList<>();
        for (int i = 0; i < 60; i++) {
            press("Tab");
            String now = focused();
            walk.add(now);
            if (now.equals(target)) {
                return walk;
            }
        }
        throw new AssertionError("Tab never reached " + target + "; it went " + walk);
    }

    /** The viewport's width in CSS pixels (a phone is 375, or 320 at the narrowest). */
    void viewport(int width, int height) {
        send("Emulation.setDeviceMetricsOverride", Json.object().put("width", width).put("height", height)
                .put("deviceScaleFactor", 1).put("mobile", width < 700));
    }

    /** Emulates the operating system's light or dark colour scheme (prefers-color-scheme). */
    void colorScheme(String scheme) {
        var feature = Json.object().put("name", "prefers-color-scheme").put("value", scheme);
        var params = Json.object();
        params.putArray("features").add(feature);
        send("Emulation.setEmulatedMedia", params);
    }

    /** How far the page is wider than its viewport (0: no sideways scrolling). */
    int horizontalOverflow() {
        return eval("Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) - document.documentElement.clientWidth").asInt();
    }

    /** Waits until the text of a data-testid element contains {@code expected}. */
    void waitForText(String testId, String expected) {
        waitFor("'" + expected + "' in [data-testid=" + testId + "]", () -> text(testId).contains(expected));
    }

    void waitFor(String what, java.util.function.BooleanSupplier condition) {
        waitFor(what, condition, WAIT);
    }

    void waitFor(String what, java.util.function.BooleanSupplier condition, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (AssertionError | RuntimeException e) {
                if (Instant.now().isAfter(deadline)) {
                    throw e;
                }
            }
            if (Instant.now().isAfter(deadline)) {
                String shown;
                try {
                    shown = url() + "\n" + bodyText();
                } catch (RuntimeException | AssertionError e) {
                    shown = "(cannot read the page: " + e.getMessage() + ")";
                }
                throw new AssertionError("waited " + timeout.toSeconds() + " s for " + what + "; the page shows:\n" + shown
                        + (errors.isEmpty() ? "" : "\nscript errors: " + errors));
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** A PNG of the whole page (not only the viewport), at most {@code maxHeight} CSS pixels from the top. */
    void screenshot(Path file, int maxHeight) throws IOException {
        JsonNode size = send("Page.getLayoutMetrics", null).path("cssContentSize");
        var clip = Json.object().put("x", 0).put("y", 0)
                .put("width", Math.ceil(size.path("width").asDouble()))
                .put("height", Math.min(maxHeight, Math.ceil(size.path("height").asDouble()))).put("scale", 1);
        var params = Json.object().put("format", "png").put("captureBeyondViewport", true);
        params.set("clip", clip);
        byte[] png = Base64.getDecoder().decode(send("Page.captureScreenshot", params).path("data").asText());
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, png);
    }

    void bringToFront() {
        send("Page.bringToFront", null);
    }

    void close() {
        devTools.send(null, "Target.closeTarget", Json.object().put("targetId", targetId));
    }

    /**
     * Opens the local demo page at {@code home}, signs in as {@code role} of an organization (the demo
     * sign-in) and waits until its health is shown: the SSO badge, or the help centre's words where the
     * plan leaves SSO out. The one way the browser tests open the dashboard.
     */
    Page signInToDemo(String home, String organizationId, String role) {
        open(home);
        waitForText("notice", "Select an organization before continuing.");
        select("#role-picker", role);
        select("#org-picker", organizationId);
        waitFor("the dashboard", () -> visible(testid("dashboard"))
                && (!text("sso-badge").isEmpty() || visible(testid("sso-not-in-plan"))));
        waitForText("who", role);
        return this;
    }

    static String testid(String testId) {
        return "[data-testid=\"" + testId + "\"]";
    }

    private JsonNode send(String method, com.fasterxml.jackson.databind.node.ObjectNode params) {
        return devTools.send(sessionId, method, params);
    }

    private static String quote(String s) {
        return Json.write(s);
    }
}
