package dev.fp4sim.verification.cuda;

/** A CUDA-path step failed: nvcc, a probe's exit status, or a malformed result file. One-line message. */
public class CudaException extends Exception {

    public CudaException(String message) {
        super(message);
    }

    public CudaException(String message, Throwable cause) {
        super(message, cause);
    }
}
