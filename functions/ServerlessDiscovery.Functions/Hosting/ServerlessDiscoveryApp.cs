using System.Net;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Options;
using ServerlessDiscovery.Engine;
using ServerlessDiscovery.Engine.Otlp;
using ServerlessDiscovery.Engine.Webhooks;
using ServerlessDiscovery.EventGrid;
using ServerlessDiscovery.Plugins.OpenTelemetry;
using ServerlessDiscovery.Plugins.OpenTelemetry.Attribution;
using ServerlessDiscovery.Functions.Scheduling;
using ServerlessDiscovery.Http.Hosting;
using ServerlessDiscovery.Storage;

namespace ServerlessDiscovery.Functions.Hosting;

/// <summary>
/// Builds and runs the one executable: as the Functions host's isolated worker when the host started it, standalone
/// otherwise. Both modes register the same services and serve the same HTTP pipeline (<see cref="HttpSurface.UseServerlessDiscovery"/>).
/// </summary>
public static partial class ServerlessDiscoveryApp
{
    public const string DefaultStandaloneUrl = "http://localhost:7071";

    /// <summary>Process entry: a configuration error prints what to fix and exits with code 2, never a stack trace.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        NativeHeap.FixMmapThreshold();
        IHost host;
        try
        {
            host = HostingModeAccessor.FromCommandLine(args) == HostingMode.FunctionsWorker ? BuildWorker(args) : Build(args);
            await host.StartAsync();
        }
        catch (Exception ex) when (ex is OptionsValidationException or InvalidOperationException or FormatException)
        {
            await Console.Error.WriteLineAsync("ServerlessDiscovery cannot start: " + Describe(ex));
            return 2;
        }
        catch (Exception ex)
        {
            // Anything else at start-up (a port in use, an unreadable file) is reported just as plainly.
            await Console.Error.WriteLineAsync($"ServerlessDiscovery cannot start: {ex.GetType().Name}: {ex.Message}");
            return 1;
        }

        await host.WaitForShutdownAsync();
        if (host is IAsyncDisposable asyncDisposable)
        {
            await asyncDisposable.DisposeAsync();
        }
        else
        {
            host.Dispose();
        }

        return 0;
    }

    /// <summary>
    /// Builds the standalone app. <paramref name="configure"/> adds configuration (tests), <paramref name="services"/> replaces services.
    /// </summary>
    public static WebApplication Build(string[] args, Action<IConfigurationBuilder>? configure = null, Action<IServiceCollection>? services = null)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(args);
        builder.Configuration.AddLocalSettings(Path.Combine(Directory.GetCurrentDirectory(), LocalSettingsConfiguration.FileName));
        configure?.Invoke(builder.Configuration);

        ConfigureStandaloneListening(builder);
        builder.AddServerlessDiscoveryServices(HostingMode.Standalone);
        builder.Services.AddHostedService<StandaloneTimer>();
        services?.Invoke(builder.Services);

        WebApplication app = builder.Build();
        app.UseServerlessDiscovery();
        return app;
    }

    /// <summary>
    /// Builds the isolated worker: the Functions host's arguments (--functions-uri and the rest) say where its gRPC
    /// endpoint is; the functions in Functions/ hand HTTP requests to the app's pipeline (<see cref="AppPipeline"/>).
    /// </summary>
    public static IHost BuildWorker(string[] args, Action<IConfigurationBuilder>? configure = null, Action<IServiceCollection>? services = null)
    {
        FunctionsApplicationBuilder builder = FunctionsApplication.CreateBuilder(args);
        builder.ConfigureFunctionsWebApplication();
        configure?.Invoke(builder.Configuration);

        builder.AddServerlessDiscoveryServices(HostingMode.FunctionsWorker);
        builder.Services.AddSingleton<AppPipeline>();
        services?.Invoke(builder.Services);
        return builder.Build();
    }

    private static void ConfigureStandaloneListening(WebApplicationBuilder builder)
    {
        ConfigurationManager config = builder.Configuration;
        string urls = config["urls"] is { Length: > 0 } u ? u : DefaultStandaloneUrl;
        bool keysSet = !string.IsNullOrWhiteSpace(config["Api:Keys"]);
        foreach (string url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Uri.TryCreate(url.Replace("*", "0.0.0.0", StringComparison.Ordinal).Replace("+", "0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out Uri? uri))
            {
                throw new InvalidOperationException($"URLS '{url}' is not an absolute URL.");
            }

            if (!keysSet && !IsLoopback(uri.Host))
            {
                throw new InvalidOperationException(
                    $"Api__Keys is not set, so the API is open and may listen on loopback only, but URLS includes '{url}'. Set Api__Keys, or listen on http://localhost:PORT.");
            }
        }

        builder.WebHost.UseUrls(urls);
    }

    private static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host.Trim('[', ']'), out IPAddress? ip) && IPAddress.IsLoopback(ip));

    private static void AddServerlessDiscoveryServices(this IHostApplicationBuilder builder, HostingMode mode)
    {
        IServiceCollection services = builder.Services;
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Azure.Core", LogLevel.Warning);

        // Per-request lines of the plugins' HttpClients would repeat every provider URL and retry at Information.
        builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);

        // A start-up failure is reported once, plainly, by RunAsync; the host's own report is a stack trace.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None);
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        });

        services.AddHttpSurface();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(new HostingModeAccessor(mode));

        services.AddOptions<DiscoveryScheduleOptions>()
            .Configure<IConfiguration>((o, c) => o.Tick = c[DiscoveryScheduleOptions.SettingName] is { Length: > 0 } t ? t : DiscoveryScheduleOptions.DefaultTick)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<DiscoveryScheduleOptions>, DiscoveryScheduleOptionsValidator>();

        services.AddTableStorage();
        services.AddStorageDeliveryQueue();
        services.AddDiscoveryEngine(builder.Configuration);
        services.AddEventGridPublishing(builder.Configuration);
        services.AddHostedService<StartupReconciliation>();
        services.AddOptions<OtlpOptions>().BindConfiguration(OtlpOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<OtlpOptions>, OtlpOptionsValidator>();
        // Bounded by Otlp__AttributionMaxSpans and Otlp__AttributionMaxTraces (validated above): its memory is part of the working-set bar.
        services.AddSingleton(sp =>
        {
            OtlpOptions otlp = sp.GetRequiredService<IOptions<OtlpOptions>>().Value;
            var bounds = new TraceAttributorOptions { MaxSpans = otlp.AttributionMaxSpans, MaxTraces = otlp.AttributionMaxTraces };
            return new TraceAttributor(bounds, sp.GetRequiredService<TimeProvider>());
        });
        services.AddSingleton<TenantExtractors>();
        services.AddSingleton<OtlpAdmission>();
        services.AddSingleton<TraceFlusher>();
        services.AddHostedService(sp => sp.GetRequiredService<TraceFlusher>());
        services.AddWebhooks(builder.Configuration, pollQueue: mode == HostingMode.Standalone);

        services.AddSingleton<DiscoveryTickHandler>();
    }

    private static string Describe(Exception ex) => ex switch
    {
        OptionsValidationException o => string.Join(" ", o.Failures),
        _ => ex.Message,
    };
}
