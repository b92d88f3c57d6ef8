package dev.fp4sim.cli;

import picocli.CommandLine.Command;

/** {@code fp4sim whatif}: the same sweep as {@code fp4sim perf whatif}, at the top level where architects look for it. */
@Command(name = "whatif", description = {
        "Sweep machine parameters and formats for one GEMM (same as 'fp4sim perf whatif'): CSV, Markdown table, PNG chart.",
        "",
        "Example:",
        "  fp4sim whatif --gpu b200 --gemm 8192x8192x8192 --vary tmem_columns=256,512,1024 --vary format=nvfp4,mxfp4,fp8"})
final class WhatIfTopCommand extends WhatIfCommand {
}
