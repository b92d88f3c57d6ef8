package dev.fp4sim.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static dev.fp4sim.cli.CliTestSupport.golden;
import static dev.fp4sim.cli.CliTestSupport.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VerifyCommandTest {

    @Test
    void sharedFp4VectorsPass() {
        var r = run("verify", golden("tcgen05_mxf4_ue8m0_block32.json").toString(),
                golden("tcgen05_mxf4nvf4_ue4m3_block16.json").toString(), golden("tcgen05_mxf4nvf4_ue8m0_block16.json").toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals("3000 passed, 0 failed", r.lastLine());
        assertTrue(r.out().contains("tcgen05_mxf4nvf4_ue4m3_block16.json: 1000 passed, 0 failed"));
    }

    @Test
    void aWrongExpectedValueIsListedWithBitsAndValues(@TempDir Path dir) throws Exception {
        String json = Files.readString(golden("tcgen05_mxf4nvf4_ue4m3_block16.json"));
        // uniform-0001 expects 46fd6280; claim 46fd6281 instead
        Path bad = dir.resolve("tampered.json");
        Files.writeString(bad, json.replaceFirst("\"d\": \"46fd6280\"", "\"d\": \"46fd6281\""));
        var r = run("verify", bad.toString());
        assertEquals(1, r.exit());
        assertTrue(r.out().contains("tampered.json: 999 passed, 1 failed"), r.out());
        assertTrue(r.out().contains("FAIL uniform-0001 (k=64): expected 0x46FD6281 (32433.252), actual 0x46FD6280 (32433.25)"), r.out());
        assertEquals("999 passed, 1 failed", r.lastLine());
    }

    @Test
    void aMalformedFileIsOneErrorLineNotAStackTrace(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("broken.json");
        Files.writeString(bad, Files.readString(golden("tcgen05_mxf4_ue8m0_block32.json")).replaceFirst("\"sfa\": \"[0-9a-f]{2}", "\"sfa\": \"zz"));
        var r = run("verify", bad.toString(), golden("tcgen05_mxf4_ue8m0_block32.json").toString());
        assertEquals(1, r.exit());
        assertTrue(r.out().contains("error: " + bad + ": case uniform-0001: field 'sfa': not a hex digit 'z' at position 0"), r.out());
        assertEquals("1000 passed, 0 failed", r.lastLine());
        assertFalse((r.out() + r.err()).contains("Exception"), "no stack traces");
    }

    @Test
    void missingFileIsReported() {
        var r = run("verify", "/nonexistent/x.json");
        assertEquals(1, r.exit());
        assertTrue(r.out().contains("error: /nonexistent/x.json: no such file"));
    }

    @Test
    void usageErrorsExitWithTwo() {
        var r = run("verify");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("Missing required parameter"), r.err());
        assertEquals(2, run("no-such-command").exit());
    }

    @Test
    void demoRunsAndExplains() {
        var r = run("demo", "--m", "16", "--n", "32", "--k", "256");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("checksum (FNV-1a over D bits):"));
        assertTrue(r.out().contains("against the exact product"));
        assertEquals(2, run("demo", "--k", "100").exit());
    }
}
