using System.Globalization;

namespace ServerlessDiscovery.Otlp.Decoding;

/// <summary>A scalar attribute value as sent: text, or an integer (token counts, ports) kept without formatting.</summary>
public readonly record struct AttributeValue(string? Text, long Integer, bool IsInteger)
{
    public static AttributeValue FromText(string text) => new(text, 0, false);

    public static AttributeValue FromInteger(long value) => new(null, value, true);

    public string AsText() => IsInteger ? Integer.ToString(CultureInfo.InvariantCulture) : Text ?? string.Empty;

    public long? AsInteger() =>
        IsInteger ? Integer
        : long.TryParse(Text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long v) ? v
        : double.TryParse(Text, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && d is >= long.MinValue and <= long.MaxValue ? (long)d
        : null;
}

/// <summary>
/// The known attributes (<see cref="SpanAttribute"/>) of a span or resource: a short list searched linearly, which for
/// the handful of keys a span carries is faster and smaller than a dictionary. A span's set falls back to its resource's.
/// </summary>
public sealed class AttributeSet
{
    public static AttributeSet Empty { get; } = new(null);

    private readonly AttributeSet? _fallback;
    private (SpanAttribute Key, AttributeValue Value)[] _entries = [];
    private int _count;

    public AttributeSet(AttributeSet? fallback) => _fallback = fallback;

    public int Count => _count;

    internal void Set(SpanAttribute key, AttributeValue value)
    {
        for (int i = 0; i < _count; i++)
        {
            if (_entries[i].Key == key)
            {
                _entries[i].Value = value;
                return;
            }
        }

        if (_count == _entries.Length)
        {
            Array.Resize(ref _entries, Math.Max(4, _count * 2));
        }

        _entries[_count++] = (key, value);
    }

    /// <summary>
    /// A set holding this one's entries in an array of their exact size, falling back to <paramref name="fallback"/>;
    /// this one is left empty to collect the next item's (a decoder's scratch set, so items do not pay for growth).
    /// </summary>
    internal AttributeSet MoveTo(AttributeSet? fallback)
    {
        var set = new AttributeSet(fallback) { _entries = _entries[.._count], _count = _count };
        Clear();
        return set;
    }

    internal void Clear() => _count = 0;

    public bool TryGet(SpanAttribute key, out AttributeValue value)
    {
        for (int i = 0; i < _count; i++)
        {
            if (_entries[i].Key == key)
            {
                value = _entries[i].Value;
                return true;
            }
        }

        if (_fallback is not null)
        {
            return _fallback.TryGet(key, out value);
        }

        value = default;
        return false;
    }

    /// <summary>The value as text, or null when absent or blank.</summary>
    public string? Text(SpanAttribute key) =>
        TryGet(key, out AttributeValue v) && v.AsText() is { Length: > 0 } s && !string.IsNullOrWhiteSpace(s) ? s : null;

    public long? Integer(SpanAttribute key) => TryGet(key, out AttributeValue v) ? v.AsInteger() : null;
}
