using Microsoft.Extensions.Logging;

namespace ServerlessDiscovery.Plugins.Redaction;

/// <summary>
/// The logger factory a plugin instance is given: every message, structured value and exception it logs passes
/// <see cref="SecretRedactor"/> first, so a plugin that logs a provider's error cannot write the secret it echoed.
/// </summary>
public sealed class RedactingLoggerFactory(ILoggerFactory inner, SecretRedactor redactor) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) => new RedactingLogger(inner.CreateLogger(categoryName), redactor);

    /// <summary>Providers belong to the host's factory; a plugin cannot add one.</summary>
    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException("Plugins cannot add logger providers.");

    /// <summary>The host owns the inner factory; nothing to release here.</summary>
    public void Dispose()
    {
    }

    private sealed class RedactingLogger(ILogger inner, SecretRedactor redactor) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => inner.BeginScope(new RedactedState(Values(state), redactor.Redact(state.ToString()) ?? string.Empty));

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!inner.IsEnabled(logLevel))
            {
                return;
            }

            var redacted = new RedactedState(Values(state), redactor.Redact(formatter(state, exception)) ?? string.Empty);
            RedactedException? error = exception is null ? null : new RedactedException(exception, redactor);
            inner.Log(logLevel, eventId, redacted, error, static (s, _) => s.Message);
        }

        private List<KeyValuePair<string, object?>> Values<TState>(TState state) =>
            state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? [.. pairs.Select(p => new KeyValuePair<string, object?>(p.Key, p.Key == "{OriginalFormat}" || p.Value is null or bool or int or long or double or decimal or DateTimeOffset or TimeSpan ? p.Value : redactor.Redact(p.Value.ToString())))]
                : [];
    }

    /// <summary>The structured values of a log call with every value redacted; formats as the redacted message.</summary>
    private sealed class RedactedState(List<KeyValuePair<string, object?>> values, string message) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public string Message { get; } = message;

        public int Count => values.Count;

        public KeyValuePair<string, object?> this[int index] => values[index];

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => values.GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => Message;
    }
}

/// <summary>Stands in for a plugin's exception in a log: its type, redacted message and redacted stack trace text.</summary>
public sealed class RedactedException : Exception
{
    private readonly string _text;

    internal RedactedException(Exception original, SecretRedactor redactor)
        : base(redactor.Redact($"{original.GetType().FullName}: {original.Message}"))
    {
        _text = redactor.Redact(original.ToString());
        OriginalType = original.GetType().FullName ?? original.GetType().Name;
    }

    public RedactedException()
    {
        _text = string.Empty;
        OriginalType = string.Empty;
    }

    public RedactedException(string message)
        : base(message)
    {
        _text = message;
        OriginalType = string.Empty;
    }

    public RedactedException(string message, Exception innerException)
        : base(message, innerException)
    {
        _text = message;
        OriginalType = string.Empty;
    }

    /// <summary>The full name of the exception type that was redacted.</summary>
    public string OriginalType { get; }

    public override string ToString() => _text;
}
