using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace ServerlessDiscovery.Cli.Remote;

/// <summary>Tables of the service's JSON lists: one row an item, the named fields as columns, values escaped.</summary>
internal static class JsonTables
{
    public static Table Create(string title, JsonArray? items, params (string Header, string Path)[] columns)
    {
        var table = new Table().Title(Markup.Escape(title)).AddColumns([.. columns.Select(c => Markup.Escape(c.Header))]);
        foreach (JsonNode? item in items ?? [])
        {
            table.AddRow([.. columns.Select(c => Markup.Escape(Text(Find(item, c.Path))))]);
        }

        return table;
    }

    /// <summary>A two-column grid of an object's fields (nested objects as compact JSON).</summary>
    public static Table Fields(string title, JsonObject item, params string[] skip)
    {
        var table = new Table().Title(Markup.Escape(title)).AddColumns("Field", "Value");
        foreach ((string key, JsonNode? value) in item.Where(p => !skip.Contains(p.Key)))
        {
            table.AddRow(Markup.Escape(key), Markup.Escape(Text(value)));
        }

        return table;
    }

    public static string Text(JsonNode? node) => node switch
    {
        null => string.Empty,
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        _ => node.ToJsonString(),
    };

    private static JsonNode? Find(JsonNode? item, string path)
    {
        foreach (string part in path.Split('.'))
        {
            item = item?[part];
        }

        return item;
    }
}
