using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;

namespace ServerlessDiscovery.Otlp.Decoding;

/// <summary>
/// The OTLP JSON encoding (application/json), read in one forward pass with <see cref="Utf8JsonReader"/> (no document
/// is built): trace and span ids as hex strings (base64 tolerated), lowerCamelCase field names (proto names accepted
/// too), 64-bit integers as strings or numbers, enums as integers or names, fields in any order. Only the attributes
/// discovery knows (<see cref="SpanAttributeKeys"/>) are kept; every other value is still checked, as the protobuf
/// decoder checks it.
/// </summary>
internal static class OtlpJsonDecoder
{
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 64 };
    private static readonly FrozenDictionary<string, SpanAttribute>.AlternateLookup<ReadOnlySpan<char>> KnownKeys =
        SpanAttributeKeys.ByKey.GetAlternateLookup<ReadOnlySpan<char>>();

    public static OtlpTraceBatch DecodeTraces(ReadOnlyMemory<byte> body)
    {
        var spans = new List<OtlpSpan>();
        var issues = new BatchIssues();
        var reader = new Utf8JsonReader(body.Span, ReaderOptions);
        try
        {
            StartRoot(ref reader);
            while (NextProperty(ref reader))
            {
                if (Is(ref reader, "resourceSpans"u8, "resource_spans"u8))
                {
                    for (bool more = StartArray(ref reader, "resourceSpans"); more && NextItem(ref reader);)
                    {
                        ResourceSpans(ref reader, spans, ref issues);
                    }
                }
                else
                {
                    reader.Skip();
                }
            }

            EndRoot(ref reader);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or ArgumentException)
        {
            throw Malformed(ex);
        }

        return new OtlpTraceBatch(spans, issues.Rejected, issues.Repaired, issues.Message);
    }

    public static OtlpLogBatch DecodeLogs(ReadOnlyMemory<byte> body)
    {
        var records = new List<OtlpLogRecord>();
        var issues = new BatchIssues();
        var reader = new Utf8JsonReader(body.Span, ReaderOptions);
        try
        {
            StartRoot(ref reader);
            while (NextProperty(ref reader))
            {
                if (Is(ref reader, "resourceLogs"u8, "resource_logs"u8))
                {
                    for (bool more = StartArray(ref reader, "resourceLogs"); more && NextItem(ref reader);)
                    {
                        ResourceLogs(ref reader, records, ref issues);
                    }
                }
                else
                {
                    reader.Skip();
                }
            }

            EndRoot(ref reader);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or ArgumentException)
        {
            throw Malformed(ex);
        }

        return new OtlpLogBatch(records, issues.Rejected, issues.Repaired, issues.Message);
    }

    private static void ResourceSpans(ref Utf8JsonReader reader, List<OtlpSpan> spans, ref BatchIssues issues)
    {
        RequireObject(ref reader, "resourceSpans[]");
        // Filled when "resource" is read, which may come after the spans: each span falls back to it.
        var resource = new AttributeSet(null);
        while (NextProperty(ref reader))
        {
            if (Is(ref reader, "resource"u8, "resource"u8))
            {
                Resource(ref reader, resource);
            }
            else if (Is(ref reader, "scopeSpans"u8, "scope_spans"u8))
            {
                for (bool more = StartArray(ref reader, "scopeSpans"); more && NextItem(ref reader);)
                {
                    RequireObject(ref reader, "scopeSpans[]");
                    while (NextProperty(ref reader))
                    {
                        if (Is(ref reader, "spans"u8, "spans"u8))
                        {
                            for (bool any = StartArray(ref reader, "spans"); any && NextItem(ref reader);)
                            {
                                if (Span(ref reader, resource, ref issues) is { } span)
                                {
                                    spans.Add(span);
                                }
                            }
                        }
                        else
                        {
                            reader.Skip();
                        }
                    }
                }
            }
            else
            {
                reader.Skip();
            }
        }
    }

    private static void ResourceLogs(ref Utf8JsonReader reader, List<OtlpLogRecord> records, ref BatchIssues issues)
    {
        RequireObject(ref reader, "resourceLogs[]");
        var resource = new AttributeSet(null);
        while (NextProperty(ref reader))
        {
            if (Is(ref reader, "resource"u8, "resource"u8))
            {
                Resource(ref reader, resource);
            }
            else if (Is(ref reader, "scopeLogs"u8, "scope_logs"u8))
            {
                for (bool more = StartArray(ref reader, "scopeLogs"); more && NextItem(ref reader);)
                {
                    RequireObject(ref reader, "scopeLogs[]");
                    while (NextProperty(ref reader))
                    {
                        if (Is(ref reader, "logRecords"u8, "log_records"u8))
                        {
                            for (bool any = StartArray(ref reader, "logRecords"); any && NextItem(ref reader);)
                            {
                                if (LogRecord(ref reader, resource, ref issues) is { } record)
                                {
                                    records.Add(record);
                                }
                            }
                        }
                        else
                        {
                            reader.Skip();
                        }
                    }
                }
            }
            else
            {
                reader.Skip();
            }
        }
    }

    private static void Resource(ref Utf8JsonReader reader, AttributeSet into)
    {
        reader.Read();
        RequireObject(ref reader, "resource");
        while (NextProperty(ref reader))
        {
            if (Is(ref reader, "attributes"u8, "attributes"u8))
            {
                Attributes(ref reader, into);
            }
            else
            {
                reader.Skip();
            }
        }
    }

    private static OtlpSpan? Span(ref Utf8JsonReader reader, AttributeSet resource, ref BatchIssues issues)
    {
        RequireObject(ref reader, "spans[]");
        Span<byte> traceBytes = stackalloc byte[OtlpIds.MaxIdBytes], spanBytes = stackalloc byte[OtlpIds.MaxIdBytes], parentBytes = stackalloc byte[OtlpIds.MaxIdBytes];
        int traceLength = 0, spanLength = 0, parentLength = 0;
        string? name = null, statusMessage = null;
        ulong start = 0, end = 0;
        OtlpSpanKind kind = OtlpSpanKind.Unspecified;
        OtlpStatusCode status = OtlpStatusCode.Unset;
        var attributes = new AttributeSet(resource);
        while (NextProperty(ref reader))
        {
            if (Is(ref reader, "traceId"u8, "trace_id"u8)) { traceLength = Id(ref reader, traceBytes, "traceId"); }
            else if (Is(ref reader, "spanId"u8, "span_id"u8)) { spanLength = Id(ref reader, spanBytes, "spanId"); }
            else if (Is(ref reader, "parentSpanId"u8, "parent_span_id"u8)) { parentLength = Id(ref reader, parentBytes, "parentSpanId"); }
            else if (Is(ref reader, "name"u8, "name"u8)) { name = String(ref reader, "name"); }
            else if (Is(ref reader, "kind"u8, "kind"u8)) { kind = (OtlpSpanKind)Enumeration(ref reader, "kind", "SPAN_KIND_", typeof(OtlpSpanKind)); }
            else if (Is(ref reader, "startTimeUnixNano"u8, "start_time_unix_nano"u8)) { start = UInt64(ref reader, "startTimeUnixNano"); }
            else if (Is(ref reader, "endTimeUnixNano"u8, "end_time_unix_nano"u8)) { end = UInt64(ref reader, "endTimeUnixNano"); }
            else if (Is(ref reader, "attributes"u8, "attributes"u8)) { Attributes(ref reader, attributes); }
            else if (Is(ref reader, "status"u8, "status"u8))
            {
                reader.Read();
                RequireObject(ref reader, "status");
                while (NextProperty(ref reader))
                {
                    if (Is(ref reader, "code"u8, "code"u8)) { status = (OtlpStatusCode)Enumeration(ref reader, "status.code", "STATUS_CODE_", typeof(OtlpStatusCode)); }
                    else if (Is(ref reader, "message"u8, "message"u8)) { statusMessage = String(ref reader, "status.message"); }
                    else { reader.Skip(); }
                }
            }
            else { reader.Skip(); }
        }

        if (OtlpIds.Span(traceBytes, traceLength, spanBytes, spanLength, parentBytes, parentLength, out string? repair, out string? rejection) is not { } ids)
        {
            issues.Reject(rejection!);
            return null;
        }

        if (repair is not null)
        {
            issues.Repair(repair);
        }

        return new OtlpSpan
        {
            TraceId = ids.TraceId,
            SpanId = ids.SpanId,
            ParentSpanId = ids.ParentSpanId,
            Name = name ?? string.Empty,
            Kind = Enum.IsDefined(kind) ? kind : OtlpSpanKind.Unspecified,
            StartTimeUnixNano = start,
            EndTimeUnixNano = end,
            StatusCode = Enum.IsDefined(status) ? status : OtlpStatusCode.Unset,
            StatusMessage = string.IsNullOrEmpty(statusMessage) ? null : statusMessage,
            Attributes = attributes,
        };
    }

    private static OtlpLogRecord? LogRecord(ref Utf8JsonReader reader, AttributeSet resource, ref BatchIssues issues)
    {
        RequireObject(ref reader, "logRecords[]");
        Span<byte> traceBytes = stackalloc byte[OtlpIds.MaxIdBytes], spanBytes = stackalloc byte[OtlpIds.MaxIdBytes];
        int traceLength = 0, spanLength = 0;
        string? eventName = null;
        ulong time = 0, observed = 0;
        int severity = 0;
        var attributes = new AttributeSet(resource);
        while (NextProperty(ref reader))
        {
            if (Is(ref reader, "traceId"u8, "trace_id"u8)) { traceLength = Id(ref reader, traceBytes, "traceId"); }
            else if (Is(ref reader, "spanId"u8, "span_id"u8)) { spanLength = Id(ref reader, spanBytes, "spanId"); }
            else if (Is(ref reader, "eventName"u8, "event_name"u8)) { eventName = String(ref reader, "eventName"); }
            else if (Is(ref reader, "timeUnixNano"u8, "time_unix_nano"u8)) { time = UInt64(ref reader, "timeUnixNano"); }
            else if (Is(ref reader, "observedTimeUnixNano"u8, "observed_time_unix_nano"u8)) { observed = UInt64(ref reader, "observedTimeUnixNano"); }
            else if (Is(ref reader, "severityNumber"u8, "severity_number"u8)) { severity = Enumeration(ref reader, "severityNumber", "SEVERITY_NUMBER_", null); }
            else if (Is(ref reader, "attributes"u8, "attributes"u8)) { Attributes(ref reader, attributes); }
            else if (Is(ref reader, "body"u8, "body"u8)) { reader.Read(); AnyValue(ref reader, "body", keep: false); }
            else { reader.Skip(); }
        }

        if (OtlpIds.LogRecord(traceBytes, traceLength, spanBytes, spanLength, out string? repair, out string? rejection) is not { } ids)
        {
            issues.Reject(rejection!);
            return null;
        }

        if (repair is not null)
        {
            issues.Repair(repair);
        }

        return new OtlpLogRecord
        {
            TraceId = ids.TraceId,
            SpanId = ids.SpanId,
            TimeUnixNano = time != 0 ? time : observed,
            SeverityNumber = severity,
            EventName = string.IsNullOrEmpty(eventName) ? null : eventName,
            Attributes = attributes,
        };
    }

    /// <summary>Reads the "attributes" array (the reader is on its property name) into <paramref name="into"/>: known keys only.</summary>
    private static void Attributes(ref Utf8JsonReader reader, AttributeSet into)
    {
        for (bool more = StartArray(ref reader, "attributes"); more && NextItem(ref reader);)
        {
            (SpanAttribute? key, AttributeValue? value) = KeyValue(ref reader, "attributes[]", keepKnown: true);
            if (key is { } known && value is { } scalar)
            {
                into.Set(known, scalar);
            }
        }
    }

    /// <summary>A KeyValue object (the reader on its start): the known attribute it names, if any, and its scalar value.</summary>
    private static (SpanAttribute? Key, AttributeValue? Value) KeyValue(ref Utf8JsonReader reader, string path, bool keepKnown)
    {
        RequireObject(ref reader, path);
        bool hasKey = false;
        SpanAttribute? known = null;
        AttributeValue? value = null;
        while (NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("key"u8))
            {
                reader.Read();
                hasKey = reader.TokenType != JsonTokenType.Null;
                known = !hasKey ? null : keepKnown ? KnownKey(ref reader, path + ".key") : SkipString(ref reader, path + ".key");
            }
            else if (reader.ValueTextEquals("value"u8))
            {
                reader.Read();
                // The value is kept only for a known key (or when the key has not been read yet: fields come in any order).
                value = AnyValue(ref reader, path + ".value", keep: keepKnown && (!hasKey || known is not null));
            }
            else
            {
                reader.Skip();
            }
        }

        if (!hasKey)
        {
            throw new OtlpFormatException($"{path} has no 'key'.");
        }

        return (known, value);
    }

    private static SpanAttribute? KnownKey(ref Utf8JsonReader reader, string path)
    {
        RequireString(ref reader, path);
        int length = reader.ValueSpan.Length;
        if (length > 128)
        {
            return null; // Longer than any known key (escapes only make the text shorter).
        }

        Span<char> key = stackalloc char[128];
        int written = reader.CopyString(key);
        return KnownKeys.TryGetValue(key[..written], out SpanAttribute attribute) ? attribute : null;
    }

    private static SpanAttribute? SkipString(ref Utf8JsonReader reader, string path)
    {
        RequireString(ref reader, path);
        return null;
    }

    /// <summary>Checks an AnyValue of any kind (the reader on its first token); returns it when it is a scalar and <paramref name="keep"/>.</summary>
    private static AttributeValue? AnyValue(ref Utf8JsonReader reader, string path, bool keep)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        RequireObject(ref reader, path);
        AttributeValue? scalar = null;
        while (NextProperty(ref reader))
        {
            if (Is(ref reader, "stringValue"u8, "string_value"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.Null)
                {
                    scalar = keep ? AttributeValue.FromText(string.Empty) : null;
                }
                else
                {
                    RequireString(ref reader, path + ".stringValue");
                    if (keep)
                    {
                        scalar = AttributeValue.FromText(reader.GetString()!);
                    }
                    else if (reader.ValueIsEscaped)
                    {
                        // A value not kept is still checked: an escape may hide a lone surrogate, which only unescaping finds.
                        _ = reader.GetString();
                    }
                }
            }
            else if (Is(ref reader, "boolValue"u8, "bool_value"u8))
            {
                reader.Read();
                scalar = reader.TokenType switch
                {
                    JsonTokenType.True => AttributeValue.FromText("true"),
                    JsonTokenType.False => AttributeValue.FromText("false"),
                    _ => throw new OtlpFormatException($"{path}.boolValue must be true or false."),
                };
            }
            else if (Is(ref reader, "intValue"u8, "int_value"u8))
            {
                reader.Read();
                scalar = AttributeValue.FromInteger(Int64(ref reader, path + ".intValue"));
            }
            else if (Is(ref reader, "doubleValue"u8, "double_value"u8))
            {
                reader.Read();
                double d = Double(ref reader, path + ".doubleValue");
                scalar = keep ? AttributeValue.FromText(d.ToString("R", CultureInfo.InvariantCulture)) : null;
            }
            else if (Is(ref reader, "bytesValue"u8, "bytes_value"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.Null)
                {
                    RequireString(ref reader, path + ".bytesValue");
                    if (!IsBase64(ref reader))
                    {
                        throw new OtlpFormatException($"{path}.bytesValue is not base64.");
                    }
                }
            }
            else if (Is(ref reader, "arrayValue"u8, "array_value"u8) || Is(ref reader, "kvlistValue"u8, "kvlist_value"u8))
            {
                bool list = Is(ref reader, "kvlistValue"u8, "kvlist_value"u8);
                string inner = path + (list ? ".kvlistValue" : ".arrayValue");
                reader.Read();
                RequireObject(ref reader, inner);
                while (NextProperty(ref reader))
                {
                    if (reader.ValueTextEquals("values"u8))
                    {
                        for (bool more = StartArray(ref reader, inner + ".values"); more && NextItem(ref reader);)
                        {
                            if (list)
                            {
                                KeyValue(ref reader, inner + ".values[]", keepKnown: false);
                            }
                            else
                            {
                                AnyValue(ref reader, inner + ".values[]", keep: false);
                            }
                        }
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
            }
            else
            {
                reader.Skip();
            }
        }

        return scalar;
    }

    private static bool IsBase64(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
        {
            return System.Buffers.Text.Base64.IsValid(reader.ValueSpan);
        }

        string text = reader.GetString()!;
        return System.Buffers.Text.Base64.IsValid(text);
    }

    /// <summary>Decodes an id (hex, or base64 as some exporters send the protobuf JSON default) into <paramref name="bytes"/>; returns its byte length, -1 when it is neither.</summary>
    private static int Id(ref Utf8JsonReader reader, scoped Span<byte> bytes, string path)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.Null)
        {
            return 0;
        }

        RequireString(ref reader, path);
        // Longer than the hex of the longest id taken: no id (an escaped value is measured unescaped).
        if (reader.ValueIsEscaped ? reader.GetString()!.Length > 2 * OtlpIds.MaxIdBytes : reader.ValueSpan.Length > 2 * OtlpIds.MaxIdBytes)
        {
            return -1;
        }

        Span<char> text = stackalloc char[2 * OtlpIds.MaxIdBytes];
        int length = reader.CopyString(text);
        text = text[..length];
        if (length == 0)
        {
            return 0;
        }

        // Hex of any even length up to 32 bytes (OTLP/JSON's encoding; some senders use other lengths), else base64 as protobuf's JSON mapping writes bytes.
        if (length % 2 == 0 && Convert.FromHexString(text, bytes, out _, out int written) == System.Buffers.OperationStatus.Done)
        {
            return written;
        }

        return length % 4 == 0 && Convert.TryFromBase64Chars(text, bytes, out written) ? written : -1;
    }

    private static string? String(ref Utf8JsonReader reader, string path)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        RequireString(ref reader, path);
        return reader.GetString();
    }

    private static ulong UInt64(ref Utf8JsonReader reader, string path)
    {
        reader.Read();
        if ((reader.TokenType == JsonTokenType.Number && reader.TryGetUInt64(out ulong n))
            || (reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped && ulong.TryParse(reader.ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out n))
            || (reader.TokenType == JsonTokenType.String && reader.ValueIsEscaped && ulong.TryParse(reader.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out n)))
        {
            return n;
        }

        throw new OtlpFormatException($"{path} must be an unsigned 64-bit integer (number or decimal string).");
    }

    private static long Int64(ref Utf8JsonReader reader, string path)
    {
        if ((reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out long n))
            || (reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped && long.TryParse(reader.ValueSpan, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out n))
            || (reader.TokenType == JsonTokenType.String && reader.ValueIsEscaped && long.TryParse(reader.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out n)))
        {
            return n;
        }

        throw new OtlpFormatException($"{path} must be a 64-bit integer (number or decimal string).");
    }

    private static double Double(ref Utf8JsonReader reader, string path)
    {
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out double d))
        {
            return d;
        }

        if (reader.TokenType == JsonTokenType.String)
        {
            switch (reader.GetString())
            {
                case "NaN": return double.NaN;
                case "Infinity": return double.PositiveInfinity;
                case "-Infinity": return double.NegativeInfinity;
                case { } s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out d): return d;
            }
        }

        throw new OtlpFormatException($"{path} must be a number.");
    }

    /// <summary>An enum as its integer or its proto name (e.g. SPAN_KIND_SERVER); unknown integers pass (proto3 open enums).</summary>
    private static int Enumeration(ref Utf8JsonReader reader, string path, string prefix, Type? enumType)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out int n))
        {
            return n;
        }

        if (reader.TokenType == JsonTokenType.String && reader.GetString() is { } name && name.StartsWith(prefix, StringComparison.Ordinal))
        {
            string member = name[prefix.Length..].Replace("_", string.Empty, StringComparison.Ordinal);
            if (enumType is not null && Enum.TryParse(enumType, member, ignoreCase: true, out object? value))
            {
                return (int)value!;
            }

            if (enumType is null && SeverityNumber(member) is int severity)
            {
                return severity;
            }
        }

        throw new OtlpFormatException($"{path} must be an enum number or a {prefix}* name.");
    }

    private static int? SeverityNumber(string member)
    {
        string[] levels = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"];
        if (member == "UNSPECIFIED")
        {
            return 0;
        }

        for (int i = 0; i < levels.Length; i++)
        {
            if (member.StartsWith(levels[i], StringComparison.Ordinal))
            {
                string rest = member[levels[i].Length..];
                int step = rest.Length == 0 ? 1 : int.TryParse(rest, NumberStyles.None, CultureInfo.InvariantCulture, out int s) && s is >= 2 and <= 4 ? s : 0;
                return step == 0 ? null : (i * 4) + step;
            }
        }

        return null;
    }

    private static void StartRoot(ref Utf8JsonReader reader)
    {
        if (!reader.Read())
        {
            throw new OtlpFormatException("The body is not valid JSON: it is empty.");
        }

        RequireObject(ref reader, "the request");
    }

    private static void EndRoot(ref Utf8JsonReader reader)
    {
        if (reader.Read())
        {
            throw new OtlpFormatException("The body is not valid JSON: there is more after the top-level object.");
        }
    }

    /// <summary>Moves to the next property name of the current object; false at its end.</summary>
    private static bool NextProperty(ref Utf8JsonReader reader)
    {
        reader.Read();
        return reader.TokenType == JsonTokenType.PropertyName;
    }

    /// <summary>Moves to the next item of the current array (its first token); false at its end.</summary>
    private static bool NextItem(ref Utf8JsonReader reader)
    {
        reader.Read();
        return reader.TokenType != JsonTokenType.EndArray;
    }

    /// <summary>Reads a repeated field's value (the reader on its property name): true for an array, false for null (none).</summary>
    private static bool StartArray(ref Utf8JsonReader reader, string path)
    {
        reader.Read();
        return reader.TokenType switch
        {
            JsonTokenType.StartArray => true,
            JsonTokenType.Null => false,
            _ => throw new OtlpFormatException($"{path} must be a JSON array, not {Kind(reader.TokenType)}."),
        };
    }

    private static bool Is(ref Utf8JsonReader reader, ReadOnlySpan<byte> camel, ReadOnlySpan<byte> snake) =>
        reader.ValueTextEquals(camel) || (!camel.SequenceEqual(snake) && reader.ValueTextEquals(snake));

    private static void RequireObject(ref Utf8JsonReader reader, string path)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new OtlpFormatException($"{path} must be a JSON object, not {Kind(reader.TokenType)}.");
        }
    }

    private static void RequireString(ref Utf8JsonReader reader, string path)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new OtlpFormatException($"{path} must be a string, not {Kind(reader.TokenType)}.");
        }
    }

    private static string Kind(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "Object",
        JsonTokenType.StartArray => "Array",
        JsonTokenType.String => "String",
        JsonTokenType.Number => "Number",
        JsonTokenType.True => "True",
        JsonTokenType.False => "False",
        JsonTokenType.Null => "Null",
        _ => token.ToString(),
    };

    private static OtlpFormatException Malformed(Exception ex) => ex switch
    {
        // A string the reader cannot turn into text (invalid UTF-8, a lone surrogate escape) is bad input too.
        InvalidOperationException or ArgumentException => new OtlpFormatException($"The body holds a string that is not valid text: {ex.Message}", ex),
        _ => new OtlpFormatException($"The body is not valid JSON: {ex.Message}", ex),
    };
}
