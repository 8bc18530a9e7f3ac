using Microsoft.Extensions.Logging;

namespace ServerlessDiscovery.Plugins.Redaction;

public sealed partial class RedactingLoggerFactoryTests
{
    private const string Secret = "pat-0123456789abcdef";

    [Fact]
    public void Log_MessageValuesAndException_CarryNoSecret()
    {
        var sink = new ListLoggerProvider();
        using var host = LoggerFactory.Create(b => b.AddProvider(sink).SetMinimumLevel(LogLevel.Trace));
        using var factory = new RedactingLoggerFactory(host, new SecretRedactor([Secret]));
        ILogger logger = factory.CreateLogger("plugin");

        LogRefused(logger, $"token {Secret} refused", new InvalidOperationException($"echo: {Convert.ToBase64String("id:"u8.ToArray().Concat(System.Text.Encoding.UTF8.GetBytes(Secret)).ToArray())}"));

        (string message, IReadOnlyList<KeyValuePair<string, object?>> values, Exception? exception) = Assert.Single(sink.Entries);
        Assert.Equal($"Provider said token {SecretRedactor.Mask} refused", message);
        Assert.Equal($"token {SecretRedactor.Mask} refused", values.Single(v => v.Key == "Reason").Value);
        Assert.Equal("Provider said {Reason}", values.Single(v => v.Key == "{OriginalFormat}").Value);
        RedactedException redacted = Assert.IsType<RedactedException>(exception);
        Assert.Equal(typeof(InvalidOperationException).FullName, redacted.OriginalType);
        Assert.DoesNotContain("aWQ6", redacted.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, redacted.Message, StringComparison.Ordinal);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Provider said {Reason}")]
    private static partial void LogRefused(ILogger logger, string reason, Exception exception);

    private sealed class ListLoggerProvider : ILoggerProvider
    {
        public List<(string Message, IReadOnlyList<KeyValuePair<string, object?>> Values, Exception? Exception)> Entries { get; } = [];

        public ILogger CreateLogger(string categoryName) => new ListLogger(this);

        public void Dispose()
        {
        }

        private sealed class ListLogger(ListLoggerProvider owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                owner.Entries.Add((formatter(state, exception), (IReadOnlyList<KeyValuePair<string, object?>>)state!, exception));
        }
    }
}
