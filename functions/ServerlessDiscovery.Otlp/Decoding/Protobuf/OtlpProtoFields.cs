namespace ServerlessDiscovery.Otlp.Decoding.Protobuf;

/// <summary>
/// The field numbers <see cref="OtlpProtobufDecoder"/> reads or walks, named as in the OTLP protos in <c>Protos/</c>
/// (opentelemetry/proto/{collector,trace,logs,resource,common}/v1).
/// </summary>
internal static class OtlpProtoFields
{
    /// <summary>collector/trace/v1 ExportTraceServiceRequest and collector/logs/v1 ExportLogsServiceRequest.</summary>
    public static class ExportServiceRequest
    {
        /// <summary>resource_spans (traces) or resource_logs (logs).</summary>
        public const int ResourceItems = 1;
    }

    /// <summary>trace/v1 ResourceSpans and logs/v1 ResourceLogs.</summary>
    public static class ResourceItems
    {
        public const int Resource = 1;

        /// <summary>scope_spans (traces) or scope_logs (logs).</summary>
        public const int ScopeItems = 2;
        public const int SchemaUrl = 3;
    }

    /// <summary>trace/v1 ScopeSpans and logs/v1 ScopeLogs.</summary>
    public static class ScopeItems
    {
        public const int Scope = 1;

        /// <summary>spans (traces) or log_records (logs).</summary>
        public const int Items = 2;
        public const int SchemaUrl = 3;
    }

    /// <summary>resource/v1 Resource.</summary>
    public static class Resource
    {
        public const int Attributes = 1;
    }

    /// <summary>trace/v1 Span.</summary>
    public static class Span
    {
        public const int TraceId = 1;
        public const int SpanId = 2;
        public const int TraceState = 3;
        public const int ParentSpanId = 4;
        public const int Name = 5;
        public const int Kind = 6;
        public const int StartTimeUnixNano = 7;
        public const int EndTimeUnixNano = 8;
        public const int Attributes = 9;
        public const int Events = 11;
        public const int Links = 13;
        public const int Status = 15;
    }

    /// <summary>trace/v1 Status.</summary>
    public static class Status
    {
        public const int Message = 2;
        public const int Code = 3;
    }

    /// <summary>trace/v1 Span.Event.</summary>
    public static class Event
    {
        public const int Name = 2;
        public const int Attributes = 3;
    }

    /// <summary>trace/v1 Span.Link.</summary>
    public static class Link
    {
        public const int TraceState = 3;
        public const int Attributes = 4;
    }

    /// <summary>logs/v1 LogRecord.</summary>
    public static class LogRecord
    {
        public const int TimeUnixNano = 1;
        public const int SeverityNumber = 2;
        public const int SeverityText = 3;
        public const int Body = 5;
        public const int Attributes = 6;
        public const int TraceId = 9;
        public const int SpanId = 10;
        public const int ObservedTimeUnixNano = 11;
        public const int EventName = 12;
    }

    /// <summary>common/v1 InstrumentationScope.</summary>
    public static class InstrumentationScope
    {
        public const int Name = 1;
        public const int Version = 2;
        public const int Attributes = 3;
    }

    /// <summary>common/v1 KeyValue.</summary>
    public static class KeyValue
    {
        public const int Key = 1;
        public const int Value = 2;
    }

    /// <summary>common/v1 AnyValue (the members of its <c>value</c> oneof).</summary>
    public static class AnyValue
    {
        public const int StringValue = 1;
        public const int BoolValue = 2;
        public const int IntValue = 3;
        public const int DoubleValue = 4;
        public const int ArrayValue = 5;
        public const int KvlistValue = 6;
        public const int BytesValue = 7;
    }

    /// <summary>common/v1 ArrayValue and KeyValueList.</summary>
    public static class ValueList
    {
        /// <summary>values (AnyValue in ArrayValue, KeyValue in KeyValueList).</summary>
        public const int Values = 1;
    }
}
