package io.gatekeep.emulator;

import com.workos.WorkOS;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** One emulator (fast webhook retries) and one retry-free SDK client per test class. */
abstract class EmulatorTestBase {
    static WorkOsEmulator emu;
    static WorkOS workos;

    @BeforeAll
    static void startEmulator() {
        emu = TestSupport.startEmulator();
        workos = TestSupport.sdk(emu);
    }

    @AfterAll
    static void stopEmulator() {
        emu.close();
    }
}
