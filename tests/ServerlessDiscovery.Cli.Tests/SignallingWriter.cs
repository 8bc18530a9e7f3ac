namespace ServerlessDiscovery.Cli.Tests;

/// <summary>
/// A console output for `sd` running on another task: collects what is written, under a lock, and completes
/// <see cref="Seen"/> once the text contains the awaited string, so a test acts on what sd printed, not on a delay.
/// </summary>
internal sealed class SignallingWriter(string awaited) : StringWriter
{
    private readonly TaskCompletionSource _seen = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _lock = new();

    public Task Seen => _seen.Task;

    public string Text
    {
        get
        {
            lock (_lock)
            {
                return ToString();
            }
        }
    }

    public override void Write(char value)
    {
        lock (_lock)
        {
            base.Write(value);
        }

        Check();
    }

    public override void Write(string? value)
    {
        lock (_lock)
        {
            base.Write(value);
        }

        Check();
    }

    public override void Write(char[] buffer, int index, int count)
    {
        lock (_lock)
        {
            base.Write(buffer, index, count);
        }

        Check();
    }

    private void Check()
    {
        if (Text.Contains(awaited, StringComparison.Ordinal))
        {
            _seen.TrySetResult();
        }
    }
}
