package io.gatekeep.adversarial;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Everything this JVM writes to System.out and System.err from the moment it is installed, still
 * passed through: the local runner's console lines, the functions' JSON log lines (Log4j's console
 * appender follows System.out), the emulator's and DynamoDB Local's output. Installed once, before the
 * local system starts, by {@link Adversarial}.
 */
final class LogCapture {
    private static final ByteArrayOutputStream CAPTURED = new ByteArrayOutputStream();
    private static boolean installed;

    private LogCapture() {}

    static synchronized void install() {
        if (installed) {
            return;
        }
        System.setOut(new PrintStream(new Tee(System.out), true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new Tee(System.err), true, StandardCharsets.UTF_8));
        installed = true;
    }

    /** All captured output so far. */
    static String text() {
        synchronized (CAPTURED) {
            return CAPTURED.toString(StandardCharsets.UTF_8);
        }
    }

    private static final class Tee extends OutputStream {
        private final OutputStream original;

        Tee(OutputStream original) {
            this.original = original;
        }

        @Override
        public void write(int b) throws java.io.IOException {
            synchronized (CAPTURED) {
                CAPTURED.write(b);
            }
            original.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws java.io.IOException {
            synchronized (CAPTURED) {
                CAPTURED.write(b, off, len);
            }
            original.write(b, off, len);
        }

        @Override
        public void flush() throws java.io.IOException {
            original.flush();
        }
    }
}
