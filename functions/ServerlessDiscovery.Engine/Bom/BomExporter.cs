using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ServerlessDiscovery.Domain.Bom;
using ServerlessDiscovery.Domain.Inventory;
using ServerlessDiscovery.Engine.Inventory;
using ServerlessDiscovery.Plugins;

namespace ServerlessDiscovery.Engine.Bom;

/// <summary>A BOM ready to write: its assets are read and its version recorded; writing streams it.</summary>
internal sealed class BomExport(CycloneDxBom document, int elements)
{
    public CycloneDxBom Document { get; } = document;

    /// <summary>Components and services in the BOM, the subject included when it is an asset.</summary>
    public int Elements { get; } = elements;

    public Task WriteAsync(Stream stream, CancellationToken cancellationToken = default) =>
        JsonSerializer.SerializeAsync(stream, Document, BomJsonContext.Default.CycloneDxBom, cancellationToken);
}

/// <summary>
/// Builds a tenant's CycloneDX AI-BOM from the inventory's assets, usage and edges. Assets are read as the store pages them into one compact
/// record each (merged over instances, sorted by bom-ref); the document is then serialized twice, lazily, from those
/// records: once into a hash of its content (which decides serialNumber and version) and once to the caller.
/// </summary>
internal sealed class BomExporter(IInventoryStore inventory, IBomVersionStore versions, TimeProvider time)
{
    private const string ToolName = "ServerlessDiscovery";
    private static readonly string ToolVersion =
        typeof(BomExporter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <summary>The BOM of <paramref name="scope"/>, or null when the scope names an agent the tenant does not have.</summary>
    public async Task<BomExport?> PrepareAsync(BomScope scope, BomSpecVersion spec, CancellationToken cancellationToken = default)
    {
        BomGraph graph = await ReadEdgesAsync(scope, cancellationToken);
        string? subjectRef = scope.AgentId is null ? null : BomRefs.Of(AssetTypes.Agent, scope.AgentId);
        HashSet<string>? included = subjectRef is null ? null : graph.Closure(subjectRef);
        SortedDictionary<string, BomAsset> assets = await ReadAssetsAsync(scope, included, cancellationToken);
        BomAsset? subject = null;
        if (subjectRef is not null && (!assets.Remove(subjectRef, out subject) || subject.Type != AssetTypes.Agent))
        {
            return null;
        }

        string hash = ContentHash(scope, subject, assets, graph);
        BomRevision revision = await versions.RecordAsync(scope.Tenant, scope.Key, hash, time.GetUtcNow(), cancellationToken);
        CycloneDxBom document = Compose(scope, subject, assets, graph, spec, hash, revision.Version, revision.Since);
        return new BomExport(document, assets.Count + (subject is null ? 0 : 1));
    }

    /// <summary>The document for assets and edges already read: the one mapping both the API and one-shot scans use.</summary>
    internal static CycloneDxBom Compose(
        BomScope scope, BomAsset? subject, SortedDictionary<string, BomAsset> assets, BomGraph graph, BomSpecVersion spec, string hash, long version, DateTimeOffset since) =>
        new(
            spec.SchemaUri,
            "CycloneDX",
            spec.Version,
            SerialNumber(scope, hash),
            version,
            new BomMetadata(
                since,
                new BomTools([new BomComponent("application", "serverlessdiscovery:tool", ToolName) { Version = ToolVersion }]),
                Subject(scope, subject, spec),
                [
                    new(BomProperties.Namespace + "tenant", scope.Tenant),
                    new(BomProperties.Namespace + "scope", scope.Key),
                    new(BomProperties.Namespace + "content_sha256", hash),
                ]),
            Components(assets, spec),
            Services(assets),
            Dependencies(subject, assets, graph));

    /// <summary>SHA-256 of the content (subject, components, services, dependencies) as CycloneDX 1.7 writes it, so 1.6 and 1.7 exports share serial and version.</summary>
    internal static string ContentHash(BomScope scope, BomAsset? subject, SortedDictionary<string, BomAsset> assets, BomGraph graph)
    {
        BomSpecVersion spec = BomSpecVersion.V1_7;
        var content = new BomContent(Subject(scope, subject, spec), Components(assets, spec), Services(assets), Dependencies(subject, assets, graph));
        using var sha = new HashingStream();
        JsonSerializer.Serialize(sha, content, BomJsonContext.Default.BomContent);
        return Convert.ToHexStringLower(sha.Hash());
    }

    /// <summary>A UUID (RFC 9562 version 8, name-based on SHA-256) of tenant, scope and content hash: equal content, equal serial.</summary>
    private static string SerialNumber(BomScope scope, string hash)
    {
        byte[] bytes = SHA256.HashData(Encoding.UTF8.GetBytes($"{scope.Tenant}\n{scope.Key}\n{hash}"))[..16];
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        string hex = Convert.ToHexStringLower(bytes);
        return $"urn:uuid:{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..]}";
    }

    private static BomComponent Subject(BomScope scope, BomAsset? subject, BomSpecVersion spec) =>
        subject is not null
            ? BomMapper.ToComponent(subject, spec)
            : new BomComponent("application", scope.SubjectRef, scope.Instance is null ? $"AI estate of tenant {scope.Tenant}" : $"AI estate of instance {scope.Instance} (tenant {scope.Tenant})");

    private static IEnumerable<BomComponent> Components(SortedDictionary<string, BomAsset> assets, BomSpecVersion spec) =>
        assets.Values.Where(a => BomMapper.KindOf(a.Type) == BomElementKind.Component).Select(a => BomMapper.ToComponent(a, spec));

    private static IEnumerable<BomService> Services(SortedDictionary<string, BomAsset> assets) =>
        assets.Values.Where(a => BomMapper.KindOf(a.Type) == BomElementKind.Service).Select(BomMapper.ToService);

    /// <summary>One entry per element (CycloneDX wants even leaves listed), naming only targets that are in the BOM.</summary>
    private static IEnumerable<BomDependency> Dependencies(BomAsset? subject, SortedDictionary<string, BomAsset> assets, BomGraph graph)
    {
        IEnumerable<string> refs = subject is null ? assets.Keys : assets.Keys.Append(subject.Ref).Order(StringComparer.Ordinal);
        foreach (string bomRef in refs)
        {
            List<string> targets = [.. graph.DependsOn(bomRef).Where(t => assets.ContainsKey(t) || t == subject?.Ref)];
            yield return new BomDependency(bomRef) { DependsOn = targets.Count == 0 ? null : targets };
        }
    }

    private async Task<BomGraph> ReadEdgesAsync(BomScope scope, CancellationToken cancellationToken)
    {
        var graph = new BomGraph();
        await foreach (EdgeKey edge in inventory.QueryActiveEdgeKeysAsync(scope.Edges, cancellationToken))
        {
            graph.Add(edge.SourceType, edge.SourceId, edge.Relationship, edge.TargetType, edge.TargetId);
        }

        return graph;
    }

    private async Task<SortedDictionary<string, BomAsset>> ReadAssetsAsync(BomScope scope, HashSet<string>? included, CancellationToken cancellationToken)
    {
        var assets = new SortedDictionary<string, BomAsset>(StringComparer.Ordinal);

        // A declared asset's observed use is kept apart, per instance: read once for each instance the assets come from.
        var usage = new Dictionary<(string Instance, AssetKey Key), AssetUsage>();
        var usageRead = new HashSet<string>(StringComparer.Ordinal);
        await foreach (Asset asset in inventory.QueryAssetsAsync(scope.Assets, cancellationToken))
        {
            if (asset.State == AssetState.Deleted || BomMapper.KindOf(asset.Type) == BomElementKind.Excluded
                || (included is not null && !included.Contains(BomRefs.Of(asset.Type, asset.Id))))
            {
                continue;
            }

            if (usageRead.Add(asset.Instance))
            {
                foreach (KeyValuePair<(string, AssetKey), AssetUsage> entry in await inventory.ReadUsageAsync(scope.Tenant, [asset.Instance], cancellationToken))
                {
                    usage[entry.Key] = entry.Value;
                }
            }

            BomAsset element = BomAsset.From(AssetDocument.ToJson(asset, usage.GetValueOrDefault((asset.Instance, asset.Key))));
            if (assets.TryGetValue(element.Ref, out BomAsset? seen))
            {
                seen.Merge(element);
            }
            else
            {
                assets[element.Ref] = element;
            }
        }

        return assets;
    }

    /// <summary>A write-only stream that only hashes what is written to it.</summary>
    private sealed class HashingStream : Stream
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public byte[] Hash() => _hash.GetHashAndReset();

        public override void Write(byte[] buffer, int offset, int count) => _hash.AppendData(buffer, offset, count);

        public override void Write(ReadOnlySpan<byte> buffer) => _hash.AppendData(buffer);

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _hash.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
