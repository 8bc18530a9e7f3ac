using BenchmarkDotNet.Running;
using ServerlessDiscovery.Benchmarks;

// "inventory" runs the scan write-path measurement against Azurite (scripts/bench-inventory.sh), "bom" the
// CycloneDX export of an estate in Azurite (scripts/bench-bom.sh), "ui" the dashboard in chromium (scripts/bench-ui.sh);
// anything else goes to BenchmarkDotNet (scripts/bench-otlp.sh).
if (args.Length > 0 && args[0] == "inventory")
{
    return await InventoryWriteBenchmark.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "bom")
{
    return await BomExportBenchmark.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "otlp-load")
{
    return await OtlpLoadGenerator.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "ui")
{
    return await UiLoadBenchmark.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "attributor-memory")
{
    return AttributorMemoryBenchmark.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "otlp-decode")
{
    return OtlpDecodeCpuBenchmark.Run(args[1..]);
}

// The benchmarks' own assembly (the app's Program is also referenced, through the test support project).
BenchmarkSwitcher.FromAssembly(typeof(InventoryWriteBenchmark).Assembly).Run(args);
return 0;
