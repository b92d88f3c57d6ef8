package dev.fp4sim.sim.machine;

/** A violation of the PTX rules by a program: names the instruction and the rule (isa.md §4, §8). */
public final class MachineException extends RuntimeException {

    public MachineException(String instruction, String message) {
        super(instruction + ": " + message);
    }
}
