package io.gatekeep.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The benchmark's output: one Markdown table per benchmark (ready to paste into BENCHMARKS.md) and a
 * summary of every target. A row is {@code met}, {@code MISSED} (a figure is outside its target: reported,
 * not an error) or {@code FAIL} (the measurement itself failed, or a jar holds a forbidden HTTP client);
 * any FAIL makes {@code bin/bench} exit non-zero.
 */
public final class Report {
    public enum Verdict { MET("met"), MISSED("MISSED"), FAIL("FAIL"), INFO("-");

        final String text;

        Verdict(String text) {
            this.text = text;
        }
    }

    public record Table(String title, List<String> header, List<List<String>> rows, List<String> notes) {}

    public record Target(String benchmark, String what, String figure, String target, Verdict verdict) {}

    private final List<Table> tables = new ArrayList<>();
    private final List<Target> targets = new ArrayList<>();

    public void table(Table table) {
        tables.add(table);
    }

    public void target(String benchmark, String what, String figure, String target, boolean met) {
        targets.add(new Target(benchmark, what, figure, target, met ? Verdict.MET : Verdict.MISSED));
    }

    public void fail(String benchmark, String what, String reason) {
        targets.add(new Target(benchmark, what, reason, "-", Verdict.FAIL));
    }

    public void info(String benchmark, String what, String figure) {
        targets.add(new Target(benchmark, what, figure, "-", Verdict.INFO));
    }

    public boolean failed() {
        return targets.stream().anyMatch(t -> t.verdict() == Verdict.FAIL);
    }

    public List<Target> targets() {
        return List.copyOf(targets);
    }

    public void print(PrintStream out, String machine) {
        out.println();
        out.println("## Gatekeep benchmarks");
        out.println();
        out.println(machine);
        for (Table t : tables) {
            print(out, t);
        }
        List<List<String>> rows = new ArrayList<>();
        for (Target t : targets) {
            rows.add(List.of(t.benchmark(), t.what(), t.figure(), t.target(), t.verdict().text));
        }
        print(out, new Table("Targets", List.of("benchmark", "what", "figure", "target", "verdict"), rows, List.of()));
        out.flush();
    }

    public static void print(PrintStream out, Table t) {
        out.println();
        out.println("### " + t.title());
        out.println();
        int[] widths = new int[t.header().size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = t.header().get(i).length();
            for (List<String> row : t.rows()) {
                widths[i] = Math.max(widths[i], i < row.size() ? row.get(i).length() : 0);
            }
        }
        out.println(line(t.header(), widths));
        StringBuilder rule = new StringBuilder("|");
        for (int w : widths) {
            rule.append('-').append("-".repeat(w)).append("-|");
        }
        out.println(rule);
        for (List<String> row : t.rows()) {
            out.println(line(row, widths));
        }
        if (!t.notes().isEmpty()) {
            out.println();
            t.notes().forEach(n -> out.println("- " + n));
        }
    }

    private static String line(List<String> cells, int[] widths) {
        StringBuilder b = new StringBuilder("|");
        for (int i = 0; i < widths.length; i++) {
            String c = i < cells.size() ? cells.get(i) : "";
            b.append(' ').append(c).append(" ".repeat(widths[i] - c.length())).append(" |");
        }
        return b.toString();
    }

    public static String ms(double value) {
        if (Double.isNaN(value)) {
            return "n/a";
        }
        return value >= 100 ? String.format(Locale.ROOT, "%.0f", value) : String.format(Locale.ROOT, "%.2f", value);
    }

    public static String num(double value, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }
}
