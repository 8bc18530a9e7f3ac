using Azure.Data.Tables;

namespace ServerlessDiscovery.Storage;

/// <summary>
/// Stores text longer than one Table string property allows (32K UTF-16 characters) across numbered
/// properties: Name, Name_1, Name_2, ... up to the entity's 1 MiB limit.
/// </summary>
public static class LargeText
{
    public const int ChunkChars = 30_000;
    public const int MaxChunks = 15;

    public static void Write(TableEntity entity, string name, string text)
    {
        if (text.Length > ChunkChars * MaxChunks)
        {
            throw new InvalidOperationException($"{name} is {text.Length} characters; at most {ChunkChars * MaxChunks} fit in one entity.");
        }

        for (int i = 0, offset = 0; offset < text.Length || i == 0; i++, offset += ChunkChars)
        {
            entity[ChunkName(name, i)] = text.Substring(offset, Math.Min(ChunkChars, text.Length - offset));
        }
    }

    public static string? Read(TableEntity entity, string name)
    {
        if (entity.GetString(name) is not { } first)
        {
            return null;
        }

        if (entity.GetString(ChunkName(name, 1)) is null)
        {
            return first;
        }

        var text = new System.Text.StringBuilder(first);
        for (int i = 1; entity.GetString(ChunkName(name, i)) is { } next; i++)
        {
            text.Append(next);
        }

        return text.ToString();
    }

    private static string ChunkName(string name, int index) => index == 0 ? name : $"{name}_{index}";
}
