using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace ServerlessDiscovery.Engine.Catalog.Loading;

/// <summary>
/// Finds the assemblies of one plugin entry: a <c>.nupkg</c> (unpacked, bounded, into a cache folder named by its content
/// hash, since the deployment folder is read-only in Azure), an unpacked package (its <c>lib/{tfm}</c>), a folder of
/// assemblies, or one assembly.
/// </summary>
internal static partial class PluginPackageFiles
{
    private const int MaxEntries = 10_000;

    /// <summary>The folder to load from and the candidate assemblies in it; throws <see cref="PluginPackageException"/> naming the problem.</summary>
    public static (string Folder, IReadOnlyList<string> Assemblies) Resolve(string path, long maxUnpackedBytes)
    {
        if (File.Exists(path) && path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
        {
            return (Path.GetDirectoryName(Path.GetFullPath(path))!, [Path.GetFullPath(path)]);
        }

        string folder = File.Exists(path) && path.EndsWith(".nupkg", StringComparison.OrdinalIgnoreCase)
            ? Unpack(path, maxUnpackedBytes)
            : Directory.Exists(path) ? path : throw new PluginPackageException("is neither a .nupkg, a folder nor a .dll");
        if (Directory.Exists(Path.Combine(folder, "lib")))
        {
            folder = BestLibFolder(Path.Combine(folder, "lib"));
        }

        string[] assemblies = [.. Directory.EnumerateFiles(folder, "*.dll").Order(StringComparer.Ordinal)];
        return assemblies.Length == 0 ? throw new PluginPackageException($"holds no assembly ({folder})") : (folder, assemblies);
    }

    /// <summary>The highest <c>netX.Y</c> folder this runtime can run (else netstandard2.1 / 2.0).</summary>
    private static string BestLibFolder(string lib)
    {
        int runtimeMajor = Environment.Version.Major;
        var candidates = new List<(Version Version, string Folder)>();
        foreach (string dir in Directory.EnumerateDirectories(lib))
        {
            string tfm = Path.GetFileName(dir);
            Match net = NetTfm().Match(tfm);
            if (net.Success && int.Parse(net.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) is int major && major <= runtimeMajor)
            {
                candidates.Add((new Version(major, int.Parse(net.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture)), dir));
            }
            else if (tfm is "netstandard2.1" or "netstandard2.0")
            {
                candidates.Add((new Version(0, tfm == "netstandard2.1" ? 21 : 20), dir));
            }
        }

        return candidates.Count == 0
            ? throw new PluginPackageException($"has no lib/net*/ folder that .NET {runtimeMajor} can run")
            : candidates.MaxBy(c => c.Version).Folder;
    }

    private static string Unpack(string nupkg, long maxUnpackedBytes)
    {
        string hash;
        using (FileStream file = File.OpenRead(nupkg))
        {
            hash = Convert.ToHexStringLower(SHA256.HashData(file))[..16];
        }

        string cache = Path.Combine(Path.GetTempPath(), "serverlessdiscovery-plugins");
        string target = Path.Combine(cache, $"{Path.GetFileNameWithoutExtension(nupkg)}-{hash}");
        if (Directory.Exists(target))
        {
            return target;
        }

        string staging = $"{target}.{Guid.NewGuid():N}.tmp";
        try
        {
            ExtractLib(nupkg, staging, maxUnpackedBytes);
            try
            {
                Directory.Move(staging, target);
            }
            catch (IOException) when (Directory.Exists(target))
            {
                // Another process unpacked the same package first: its copy is identical (same content hash).
            }
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }

        return target;
    }

    /// <summary>Extracts the package's lib/ entries only, refusing entries that leave the folder and packages that unpack too large.</summary>
    private static void ExtractLib(string nupkg, string staging, long maxUnpackedBytes)
    {
        ZipArchive zip;
        try
        {
            zip = ZipFile.OpenRead(nupkg);
        }
        catch (InvalidDataException ex)
        {
            throw new PluginPackageException($"is not a valid .nupkg (zip): {ex.Message}");
        }

        using (zip)
        {
            ZipArchiveEntry[] lib = [.. zip.Entries.Where(e => e.FullName.StartsWith("lib/", StringComparison.Ordinal) && !e.FullName.EndsWith('/'))];
            if (zip.Entries.Count > MaxEntries || lib.Sum(e => e.Length) > maxUnpackedBytes)
            {
                throw new PluginPackageException($"unpacks to more than {maxUnpackedBytes} bytes or {MaxEntries} entries (PluginPackages__MaxUnpackedBytes)");
            }

            string root = Path.GetFullPath(staging) + Path.DirectorySeparatorChar;
            foreach (ZipArchiveEntry entry in lib)
            {
                string destination = Path.GetFullPath(Path.Combine(staging, Uri.UnescapeDataString(entry.FullName)));
                if (!destination.StartsWith(root, StringComparison.Ordinal))
                {
                    throw new PluginPackageException($"has an entry outside its folder ({entry.FullName})");
                }

                Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
                entry.ExtractToFile(destination);
            }
        }
    }

    [GeneratedRegex(@"^net(\d+)\.(\d+)$")]
    private static partial Regex NetTfm();
}

/// <summary>A plugin entry that cannot be loaded; the message completes "Plugin 'name' ...".</summary>
internal sealed class PluginPackageException(string message) : Exception(message);
