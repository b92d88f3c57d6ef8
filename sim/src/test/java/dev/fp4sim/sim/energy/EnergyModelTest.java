package dev.fp4sim.sim.energy;

import dev.fp4sim.sim.timing.GpuSpec;
import dev.fp4sim.sim.timing.GpuSpecs;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The energy arithmetic, by hand from the B200 machine file's coefficients (pj_per_mac.fp4 = 0.16,
 * pj_per_byte hbm 32 / l2 6 / smem 1.5 / tmem 0.8, static_w 250, clock_mhz 1856, board_w 1000).
 */
class EnergyModelTest {

    @Test
    void joulesPerComponentAtTheDatasheetClock() throws Exception {
        GpuSpec g = GpuSpecs.load("b200");
        var t = new EnergyModel.Traffic(1e12, "fp4", 1e9, 2e9, 4e9, 1e8);
        var e = EnergyModel.energy(g, t, 1856e6, 0.5);
        assertEquals(0.16, e.mac(), 1e-12);       // 1e12 MAC x 0.16 pJ
        assertEquals(0.032, e.hbm(), 1e-12);      // 1e9 B x 32 pJ
        assertEquals(0.012, e.l2(), 1e-12);       // 2e9 B x 6 pJ
        assertEquals(0.006, e.smem(), 1e-12);     // 4e9 B x 1.5 pJ
        assertEquals(0.00008, e.tmem(), 1e-12);   // 1e8 B x 0.8 pJ
        assertEquals(125.0, e.statik(), 1e-9);    // 250 W x 0.5 s
        assertEquals(e.dynamic() + 125.0, e.total(), 1e-9);
    }

    @Test
    void dynamicEnergyPerOperationFallsWithTheClock() throws Exception {
        // DVFS_EXPONENT 2: energy per op ∝ f/f_datasheet, so half the clock halves it (docs/timing.md "Energy").
        GpuSpec g = GpuSpecs.load("b200");
        var t = new EnergyModel.Traffic(1e12, "fp8", 0, 0, 0, 0);
        assertEquals(0.5 * EnergyModel.dynamicJoules(g, t, 1856e6), EnergyModel.dynamicJoules(g, t, 928e6), 1e-12);
    }

    @Test
    void thePowerCapLowersTheClockOnlyWhenNeeded() throws Exception {
        GpuSpec g = GpuSpecs.load("b200");
        // 1e12 FP4 MACs that take 1 ms at any clock: 0.16 J x 1965/1856 / 1 ms = 169 W + 250 W static < 1000 W -> max clock
        var light = new EnergyModel.Traffic(1e12, "fp4", 0, 0, 0, 0);
        assertEquals(1965e6, EnergyModel.clockUnderPowerCap(g, light, f -> 1e-3), 1);
        // 1e13 MACs in 1 ms: 1.69 kW at max clock -> the cap holds the total at <= 1000 W
        var heavy = new EnergyModel.Traffic(1e13, "fp4", 0, 0, 0, 0);
        double f = EnergyModel.clockUnderPowerCap(g, heavy, x -> 1e-3);
        double watts = 250 + EnergyModel.dynamicJoules(g, heavy, f) / 1e-3;
        assertTrue(f < 1965e6 && watts <= 1001 && watts > 900, f + " Hz, " + watts + " W");
    }

    @Test
    void negativeTrafficIsRejected() throws Exception {
        GpuSpec g = GpuSpecs.load("b200");
        assertThrows(IllegalArgumentException.class, () -> EnergyModel.energy(g, new EnergyModel.Traffic(-1, "fp4", 0, 0, 0, 0), 1e9, 1));
    }
}
