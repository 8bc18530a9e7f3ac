using ServerlessDiscovery.Domain.Instances;

namespace ServerlessDiscovery.Engine.Tests.Findings;

/// <summary><see cref="IInstanceStore"/> in memory, read-only: the instances a test puts, by tenant and id. For unit tests of logic only.</summary>
internal sealed class InMemoryInstanceStore : IInstanceStore
{
    private readonly Dictionary<(string Tenant, string Id), PluginInstance> _instances = [];

    public void Put(PluginInstance instance) => _instances[(instance.Tenant, instance.Id)] = instance;

    public Task<PluginInstance?> GetAsync(string tenant, string id, CancellationToken cancellationToken = default) =>
        Task.FromResult(_instances.GetValueOrDefault((tenant, id)));

    public Task<IReadOnlyList<PluginInstance>> ListAsync(string tenant, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<PluginInstance>>([.. _instances.Values.Where(i => i.Tenant == tenant).OrderBy(i => i.Id, StringComparer.Ordinal)]);

    public Task<IReadOnlyList<PluginInstance>> ListAllAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<PluginInstance>>([.. _instances.Values]);

    public Task<bool> AddAsync(PluginInstance instance, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("Set up the instances with Put.");

    public Task<PluginInstance> ReplaceAsync(PluginInstance instance, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("Set up the instances with Put.");

    public Task<bool> DeleteAsync(string tenant, string id, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("Set up the instances with Put.");
}
