namespace ServerlessDiscovery.Tables;

/// <summary>The Table service refused a request; <see cref="Status"/> and <see cref="ErrorCode"/> say why.</summary>
public class TableRequestFailedException : Exception
{
    public TableRequestFailedException(int status, string? errorCode, string message)
        : base(message)
    {
        Status = status;
        ErrorCode = errorCode;
    }

    public TableRequestFailedException(string message)
        : base(message)
    {
    }

    public TableRequestFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public TableRequestFailedException()
    {
    }

    public int Status { get; }

    public string? ErrorCode { get; }
}

/// <summary>An ETag condition failed (HTTP 412): someone else changed or deleted the entity first.</summary>
public sealed class TableConcurrencyException : TableRequestFailedException
{
    public TableConcurrencyException(string? errorCode, string message)
        : base(412, errorCode, message)
    {
    }

    public TableConcurrencyException(string message)
        : base(message)
    {
    }

    public TableConcurrencyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public TableConcurrencyException()
    {
    }
}

/// <summary>An entity group transaction was rolled back because one operation failed.</summary>
public sealed class TableTransactionFailedException : TableRequestFailedException
{
    public TableTransactionFailedException(int status, string? errorCode, string message, int? failedIndex)
        : base(status, errorCode, message)
    {
        FailedIndex = failedIndex;
    }

    public TableTransactionFailedException(string message)
        : base(message)
    {
    }

    public TableTransactionFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public TableTransactionFailedException()
    {
    }

    /// <summary>Index of the failing operation within the transaction, when the service says.</summary>
    public int? FailedIndex { get; }
}
