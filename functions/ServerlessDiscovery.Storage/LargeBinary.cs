using Azure.Data.Tables;

namespace ServerlessDiscovery.Storage;

/// <summary>
/// Stores bytes longer than one binary property allows (64 KiB) across numbered properties Name_0, Name_1, ...
/// up to what fits beside other columns in one 1 MiB entity. Binary is stored as is, without base64's growth.
/// </summary>
public static class LargeBinary
{
    public const int ChunkBytes = 64 * 1024;
    public const int MaxChunks = 15;
    public const int MaxBytes = ChunkBytes * MaxChunks;

    public static void Write(TableEntity entity, string name, ReadOnlySpan<byte> data)
    {
        if (data.Length > MaxBytes)
        {
            throw new InvalidOperationException($"{name} is {data.Length} bytes; at most {MaxBytes} fit in one entity.");
        }

        int i = 0;
        for (int offset = 0; offset < data.Length || i == 0; i++, offset += ChunkBytes)
        {
            entity[$"{name}_{i}"] = data.Slice(offset, Math.Min(ChunkBytes, data.Length - offset)).ToArray();
        }

        entity[$"{name}_Chunks"] = i;
    }

    public static byte[]? Read(TableEntity entity, string name)
    {
        if (entity.GetInt32($"{name}_Chunks") is not { } chunks)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        for (int i = 0; i < chunks; i++)
        {
            buffer.Write(entity.GetBinary($"{name}_{i}") ?? []);
        }

        return buffer.ToArray();
    }

    /// <summary>Removes the chunks (when the row is kept after its body is no longer needed).</summary>
    public static void Clear(TableEntity entity, string name)
    {
        int chunks = entity.GetInt32($"{name}_Chunks") ?? 0;
        for (int i = 0; i < chunks; i++)
        {
            entity.Remove($"{name}_{i}");
        }

        entity.Remove($"{name}_Chunks");
    }
}
