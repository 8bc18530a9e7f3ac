using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;

namespace ServerlessDiscovery.Otlp.Decoding;

/// <summary>
/// The OTLP JSON encoding (application/json): trace and span ids as hex strings, lowerCamelCase field names (proto
/// names accepted too), 64-bit integers as strings or numbers, enums as integers or names.
/// </summary>
internal static class OtlpJsonDecoder
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 64 };

    public static OtlpTraceBatch DecodeTraces(ReadOnlyMemory<byte> body)
    {
        using JsonDocument document = Parse(body);
        var spans = new List<OtlpSpan>();
        var rejections = new Rejections();
        foreach (JsonElement resourceSpans in Array(RootArray(document, "resourceSpans", "resource_spans"), "resourceSpans"))
        {
            Object(resourceSpans, "resourceSpans[]");
            AttributeSet resource = AttributeSet.Empty;
            JsonElement scopes = default;
            foreach (JsonProperty p in resourceSpans.EnumerateObject())
            {
                switch (p.Name)
                {
                    case "resource":
                        resource = ResourceAttributes(p.Value);
                        break;
                    case "scopeSpans" or "scope_spans":
                        scopes = p.Value;
                        break;
                }
            }

            foreach (JsonElement scopeSpans in Array(scopes, "scopeSpans"))
            {
                Object(scopeSpans, "scopeSpans[]");
                foreach (JsonElement span in Array(Property(scopeSpans, "spans", "spans"), "spans"))
                {
                    if (DecodeSpan(span, resource, out string? problem) is { } decoded)
                    {
                        spans.Add(decoded);
                    }
                    else
                    {
                        rejections.Add(problem!);
                    }
                }
            }
        }

        return new OtlpTraceBatch(spans, rejections.Count, rejections.Message);
    }

    public static OtlpLogBatch DecodeLogs(ReadOnlyMemory<byte> body)
    {
        using JsonDocument document = Parse(body);
        var records = new List<OtlpLogRecord>();
        var rejections = new Rejections();
        foreach (JsonElement resourceLogs in Array(RootArray(document, "resourceLogs", "resource_logs"), "resourceLogs"))
        {
            Object(resourceLogs, "resourceLogs[]");
            AttributeSet resource = Property(resourceLogs, "resource", "resource") is { ValueKind: not JsonValueKind.Undefined } r ? ResourceAttributes(r) : AttributeSet.Empty;
            foreach (JsonElement scopeLogs in Array(Property(resourceLogs, "scopeLogs", "scope_logs"), "scopeLogs"))
            {
                Object(scopeLogs, "scopeLogs[]");
                foreach (JsonElement record in Array(Property(scopeLogs, "logRecords", "log_records"), "logRecords"))
                {
                    if (DecodeLogRecord(record, resource, out string? problem) is { } decoded)
                    {
                        records.Add(decoded);
                    }
                    else
                    {
                        rejections.Add(problem!);
                    }
                }
            }
        }

        return new OtlpLogBatch(records, rejections.Count, rejections.Message);
    }

    private static OtlpSpan? DecodeSpan(JsonElement span, AttributeSet resource, out string? problem)
    {
        Object(span, "spans[]");
        string? traceId = null, spanId = null, parentId = null, name = null, statusMessage = null;
        ulong start = 0, end = 0;
        OtlpSpanKind kind = OtlpSpanKind.Unspecified;
        OtlpStatusCode status = OtlpStatusCode.Unset;
        var attributes = new AttributeSet(resource);
        foreach (JsonProperty p in span.EnumerateObject())
        {
            switch (p.Name)
            {
                case "traceId" or "trace_id": traceId = String(p.Value, "traceId"); break;
                case "spanId" or "span_id": spanId = String(p.Value, "spanId"); break;
                case "parentSpanId" or "parent_span_id": parentId = String(p.Value, "parentSpanId"); break;
                case "name": name = String(p.Value, "name"); break;
                case "kind": kind = (OtlpSpanKind)Enumeration(p.Value, "kind", "SPAN_KIND_", typeof(OtlpSpanKind)); break;
                case "startTimeUnixNano" or "start_time_unix_nano": start = UInt64(p.Value, "startTimeUnixNano"); break;
                case "endTimeUnixNano" or "end_time_unix_nano": end = UInt64(p.Value, "endTimeUnixNano"); break;
                case "attributes": ReadAttributes(p.Value, attributes); break;
                case "status":
                    Object(p.Value, "status");
                    foreach (JsonProperty s in p.Value.EnumerateObject())
                    {
                        if (s.Name == "code")
                        {
                            status = (OtlpStatusCode)Enumeration(s.Value, "status.code", "STATUS_CODE_", typeof(OtlpStatusCode));
                        }
                        else if (s.Name == "message")
                        {
                            statusMessage = String(s.Value, "status.message");
                        }
                    }

                    break;
            }
        }

        (int traceLength, UInt128 trace) = HexId128(traceId);
        (int spanLength, ulong id) = HexId64(spanId);
        (int parentLength, ulong parent) = HexId64(parentId);
        problem = OtlpIds.SpanIdProblem(traceLength, trace, spanLength, id, parentLength);
        if (problem is not null)
        {
            return null;
        }

        return new OtlpSpan
        {
            TraceId = trace,
            SpanId = id,
            ParentSpanId = parent,
            Name = name ?? string.Empty,
            Kind = Enum.IsDefined(kind) ? kind : OtlpSpanKind.Unspecified,
            StartTimeUnixNano = start,
            EndTimeUnixNano = end,
            StatusCode = Enum.IsDefined(status) ? status : OtlpStatusCode.Unset,
            StatusMessage = string.IsNullOrEmpty(statusMessage) ? null : statusMessage,
            Attributes = attributes,
        };
    }

    private static OtlpLogRecord? DecodeLogRecord(JsonElement record, AttributeSet resource, out string? problem)
    {
        Object(record, "logRecords[]");
        string? traceId = null, spanId = null, eventName = null;
        ulong time = 0, observed = 0;
        int severity = 0;
        var attributes = new AttributeSet(resource);
        foreach (JsonProperty p in record.EnumerateObject())
        {
            switch (p.Name)
            {
                case "traceId" or "trace_id": traceId = String(p.Value, "traceId"); break;
                case "spanId" or "span_id": spanId = String(p.Value, "spanId"); break;
                case "eventName" or "event_name": eventName = String(p.Value, "eventName"); break;
                case "timeUnixNano" or "time_unix_nano": time = UInt64(p.Value, "timeUnixNano"); break;
                case "observedTimeUnixNano" or "observed_time_unix_nano": observed = UInt64(p.Value, "observedTimeUnixNano"); break;
                case "severityNumber" or "severity_number": severity = Enumeration(p.Value, "severityNumber", "SEVERITY_NUMBER_", null); break;
                case "attributes": ReadAttributes(p.Value, attributes); break;
                case "body": AnyValue(p.Value, "body"); break;
            }
        }

        (int traceLength, UInt128 trace) = HexId128(traceId);
        (int spanLength, ulong id) = HexId64(spanId);
        problem = OtlpIds.LogIdProblem(traceLength, spanLength);
        if (problem is not null)
        {
            return null;
        }

        return new OtlpLogRecord
        {
            TraceId = trace,
            SpanId = id,
            TimeUnixNano = time != 0 ? time : observed,
            SeverityNumber = severity,
            EventName = string.IsNullOrEmpty(eventName) ? null : eventName,
            Attributes = attributes,
        };
    }

    private static JsonDocument Parse(ReadOnlyMemory<byte> body)
    {
        try
        {
            return JsonDocument.Parse(body, DocumentOptions);
        }
        catch (JsonException ex)
        {
            throw new OtlpFormatException($"The body is not valid JSON: {ex.Message}", ex);
        }
    }

    private static JsonElement RootArray(JsonDocument document, string camel, string snake)
    {
        Object(document.RootElement, "the request");
        return Property(document.RootElement, camel, snake);
    }

    private static AttributeSet ResourceAttributes(JsonElement resource)
    {
        Object(resource, "resource");
        var set = new AttributeSet(null);
        if (Property(resource, "attributes", "attributes") is { ValueKind: not JsonValueKind.Undefined } attributes)
        {
            ReadAttributes(attributes, set);
        }

        return set;
    }

    private static void ReadAttributes(JsonElement attributes, AttributeSet into)
    {
        foreach (JsonElement kv in Array(attributes, "attributes"))
        {
            (string key, AttributeValue? value) = KeyValue(kv, "attributes[]");
            if (value is { } scalar && SpanAttributeKeys.ByKey.TryGetValue(key, out SpanAttribute known))
            {
                into.Set(known, scalar);
            }
        }
    }

    private static (string Key, AttributeValue? Value) KeyValue(JsonElement kv, string path)
    {
        Object(kv, path);
        string? key = null;
        AttributeValue? value = null;
        foreach (JsonProperty p in kv.EnumerateObject())
        {
            if (p.Name == "key")
            {
                key = String(p.Value, path + ".key");
            }
            else if (p.Name == "value")
            {
                value = AnyValue(p.Value, path + ".value");
            }
        }

        return (key ?? throw new OtlpFormatException($"{path} has no 'key'."), value);
    }

    /// <summary>Decodes (and so validates) an AnyValue of any kind; returns it when it is a scalar.</summary>
    private static AttributeValue? AnyValue(JsonElement value, string path)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        Object(value, path);
        AttributeValue? scalar = null;
        foreach (JsonProperty p in value.EnumerateObject())
        {
            switch (p.Name)
            {
                case "stringValue" or "string_value":
                    scalar = AttributeValue.FromText(String(p.Value, path + ".stringValue") ?? string.Empty);
                    break;
                case "boolValue" or "bool_value":
                    scalar = p.Value.ValueKind switch
                    {
                        JsonValueKind.True => AttributeValue.FromText("true"),
                        JsonValueKind.False => AttributeValue.FromText("false"),
                        _ => throw new OtlpFormatException($"{path}.boolValue must be true or false."),
                    };
                    break;
                case "intValue" or "int_value":
                    scalar = AttributeValue.FromInteger(Int64(p.Value, path + ".intValue"));
                    break;
                case "doubleValue" or "double_value":
                    scalar = AttributeValue.FromText(Double(p.Value, path + ".doubleValue").ToString("R", CultureInfo.InvariantCulture));
                    break;
                case "bytesValue" or "bytes_value":
                    string base64 = String(p.Value, path + ".bytesValue") ?? string.Empty;
                    if (!IsBase64(base64))
                    {
                        throw new OtlpFormatException($"{path}.bytesValue is not base64.");
                    }

                    break;
                case "arrayValue" or "array_value":
                    Object(p.Value, path + ".arrayValue");
                    foreach (JsonElement item in Array(Property(p.Value, "values", "values"), path + ".arrayValue.values"))
                    {
                        AnyValue(item, path + ".arrayValue.values[]");
                    }

                    break;
                case "kvlistValue" or "kvlist_value":
                    Object(p.Value, path + ".kvlistValue");
                    foreach (JsonElement item in Array(Property(p.Value, "values", "values"), path + ".kvlistValue.values"))
                    {
                        KeyValue(item, path + ".kvlistValue.values[]");
                    }

                    break;
            }
        }

        return scalar;
    }

    private static bool IsBase64(string text)
    {
        if (text.Length == 0)
        {
            return true;
        }

        byte[] buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(text.Length);
        try
        {
            return Convert.TryFromBase64String(text, buffer, out _);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static JsonElement Property(JsonElement obj, string camel, string snake)
    {
        if (obj.TryGetProperty(camel, out JsonElement value) || (snake != camel && obj.TryGetProperty(snake, out value)))
        {
            return value;
        }

        return default;
    }

    private static void Object(JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new OtlpFormatException($"{path} must be a JSON object, not {element.ValueKind}.");
        }
    }

    /// <summary>A repeated field: an array, or absent/null for none.</summary>
    private static JsonElement.ArrayEnumerator Array(JsonElement element, string path) => element.ValueKind switch
    {
        JsonValueKind.Array => element.EnumerateArray(),
        JsonValueKind.Undefined or JsonValueKind.Null => default,
        _ => throw new OtlpFormatException($"{path} must be a JSON array, not {element.ValueKind}."),
    };

    private static string? String(JsonElement element, string path) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Null => null,
        _ => throw new OtlpFormatException($"{path} must be a string, not {element.ValueKind}."),
    };

    private static ulong UInt64(JsonElement element, string path)
    {
        if ((element.ValueKind == JsonValueKind.Number && element.TryGetUInt64(out ulong n))
            || (element.ValueKind == JsonValueKind.String && ulong.TryParse(element.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out n)))
        {
            return n;
        }

        throw new OtlpFormatException($"{path} must be an unsigned 64-bit integer (number or decimal string).");
    }

    private static long Int64(JsonElement element, string path)
    {
        if ((element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out long n))
            || (element.ValueKind == JsonValueKind.String && long.TryParse(element.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out n)))
        {
            return n;
        }

        throw new OtlpFormatException($"{path} must be a 64-bit integer (number or decimal string).");
    }

    private static double Double(JsonElement element, string path)
    {
        if (element.ValueKind == JsonValueKind.Number && element.TryGetDouble(out double d))
        {
            return d;
        }

        if (element.ValueKind == JsonValueKind.String)
        {
            switch (element.GetString())
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
    private static int Enumeration(JsonElement element, string path, string prefix, Type? enumType)
    {
        if (element.ValueKind == JsonValueKind.Number && element.TryGetInt32(out int n))
        {
            return n;
        }

        if (element.ValueKind == JsonValueKind.String && element.GetString() is { } name && name.StartsWith(prefix, StringComparison.Ordinal))
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

    /// <summary>A hex id (base64 tolerated, as some exporters send the protobuf JSON default): (byte length, value).</summary>
    private static (int Length, UInt128 Value) HexId128(string? text)
    {
        Span<byte> bytes = stackalloc byte[16];
        int length = IdBytes(text, bytes);
        return (length, length == 16 ? BinaryPrimitives.ReadUInt128BigEndian(bytes) : UInt128.Zero);
    }

    private static (int Length, ulong Value) HexId64(string? text)
    {
        Span<byte> bytes = stackalloc byte[16];
        int length = IdBytes(text, bytes);
        return (length, length == 8 ? BinaryPrimitives.ReadUInt64BigEndian(bytes) : 0);
    }

    /// <summary>Decodes into <paramref name="bytes"/> and returns the byte length; -1 when the text is neither hex nor base64 of up to 16 bytes.</summary>
    private static int IdBytes(string? text, Span<byte> bytes)
    {
        if (string.IsNullOrEmpty(text))
        {
            return 0;
        }

        if (text.Length % 2 == 0 && text.Length <= 32 && Convert.FromHexString(text, bytes, out _, out int written) == System.Buffers.OperationStatus.Done)
        {
            return written;
        }

        return text.Length is 12 or 24 && Convert.TryFromBase64String(text, bytes, out written) ? written : -1;
    }
}
