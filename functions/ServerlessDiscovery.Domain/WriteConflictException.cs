namespace ServerlessDiscovery.Domain;

/// <summary>
/// A conditional write lost: the item changed or was deleted since it was read (its version token no longer
/// matches). The caller re-reads and decides again; it is never a storage outage.
/// </summary>
public sealed class WriteConflictException : Exception
{
    public WriteConflictException()
        : base("The item changed or was deleted since it was read.")
    {
    }

    public WriteConflictException(string message)
        : base(message)
    {
    }

    public WriteConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
