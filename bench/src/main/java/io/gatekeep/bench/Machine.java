package io.gatekeep.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** The machine a run happened on: cores, memory, CPU, JDK, OS, date and load, in one line for the report. */
public final class Machine {
    private Machine() {}

    public static String describe(double loadAtStart) {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        double gib = os.getTotalMemorySize() / (1024.0 * 1024 * 1024);
        return String.format(Locale.ROOT,
                "Machine: %d cores (%s), %.1f GiB memory; JDK %s %s (%s); %s %s; %s; load average %.2f at start, %.2f at end.",
                Runtime.getRuntime().availableProcessors(), cpu(), gib,
                System.getProperty("java.vendor", "?"), System.getProperty("java.version"), System.getProperty("java.vm.name"),
                System.getProperty("os.name"), System.getProperty("os.version"),
                ZonedDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z")),
                loadAtStart, load());
    }

    public static double load() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static String cpu() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("model name")).map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .findFirst().orElse("unknown CPU");
        } catch (Exception e) {
            return System.getProperty("os.arch");
        }
    }
}
