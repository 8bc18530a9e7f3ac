namespace ServerlessDiscovery.Plugins.Configuration;

/// <summary>
/// A configuration name another tool uses for this plugin type (OpenCITE's, mostly), accepted through the API in place
/// of the type's own field: its value goes to <paramref name="Field"/>, or, when that is null, it is accepted and not
/// used, for the reason <paramref name="Note"/> gives (say, a receiver port the service has no use for).
/// </summary>
/// <param name="Name">The other tool's name, e.g. "region".</param>
/// <param name="Field">The field it stands for, e.g. "regions"; null for a name accepted and ignored.</param>
/// <param name="Note">What the alias does or why it is ignored, for the plugin-types reply and the documentation.</param>
public sealed record ConfigAlias(string Name, string? Field, string? Note = null);
