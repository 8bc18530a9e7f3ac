namespace ServerlessDiscovery.Http.Hosting;

/// <summary>
/// FunctionsWorker: the Azure Functions host started this process as its isolated worker and owns the triggers.
/// Standalone: a person or a container started it; it schedules its own timer and serves HTTP itself.
/// </summary>
public enum HostingMode
{
    Standalone,
    FunctionsWorker,
}

/// <summary>Which mode this process runs in, for the few services that behave differently under the Functions host.</summary>
public sealed record HostingModeAccessor(HostingMode Mode)
{
    /// <summary>The argument the Functions host always passes to its worker (the address of its gRPC endpoint).</summary>
    public const string FunctionsUriArgument = "--functions-uri";

    /// <summary>The one place the mode is decided: the host's command line, which a person starting the app never types.</summary>
    public static HostingMode FromCommandLine(IReadOnlyList<string> args) =>
        args.Any(a => a.Equals(FunctionsUriArgument, StringComparison.OrdinalIgnoreCase) || a.StartsWith(FunctionsUriArgument + "=", StringComparison.OrdinalIgnoreCase))
            ? HostingMode.FunctionsWorker
            : HostingMode.Standalone;
}
