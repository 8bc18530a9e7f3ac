using System.Text.Json;
using Microsoft.Playwright;

namespace ServerlessDiscovery.Ui.Tests;

/// <summary>The lineage graph, read from cytoscape's own model rather than pixels.</summary>
[Collection(DashboardCollection.Name)]
public sealed class LineageTests(DashboardApp app, Chromium chromium)
{
    private const string EdgesScript = "g => g.cy.edges().map(e => [e.source().id(), e.data('relationship'), e.target().id()])";

    [Fact]
    public async Task Lineage_DrawsTheSeededAgentModelToolChain_FiltersByType_AndOpensTheTappedAsset()
    {
        await using DashboardPage tab = await chromium.OpenAsync(app.BaseAddress, nameof(Lineage_DrawsTheSeededAgentModelToolChain_FiltersByType_AndOpensTheTappedAsset));
        await tab.SignInAsync(DashboardApp.KeyA);
        await tab.Page.GetByRole(AriaRole.Link, new() { Name = "Lineage" }).ClickAsync();
        await tab.LoadedAsync("#lineage-graph");

        ILocator graph = tab.Page.Locator("#lineage-graph");
        string[][] edges = await graph.EvaluateAsync<string[][]>(EdgesScript);
        string agent = $"agent|{DashboardApp.Agent}";
        string tool = $"tool|{DashboardApp.Tool}";
        Assert.Contains(new[] { agent, "uses_model", $"model|{DashboardApp.Model}" }, edges);
        Assert.Contains(new[] { agent, "uses_tool", tool }, edges);
        Assert.Contains(edges, e => e[0] == tool && e[2].StartsWith("downstream_system|", StringComparison.Ordinal));
        await tab.ScreenshotAsync("graph");

        // Hiding tools hides the tool node (and so its edges); showing them again brings it back.
        await tab.Page.GetByLabel("tool", new() { Exact = true }).UncheckAsync();
        Assert.False(await graph.EvaluateAsync<bool>("(g, id) => g.cy.getElementById(id).visible()", tool));
        Assert.True(await graph.EvaluateAsync<bool>("(g, id) => g.cy.getElementById(id).visible()", agent));
        Assert.Contains("hide=tool", tab.Page.Url, StringComparison.Ordinal);
        await tab.ScreenshotAsync("without-tools");
        await tab.Page.GetByLabel("tool", new() { Exact = true }).CheckAsync();
        Assert.True(await graph.EvaluateAsync<bool>("(g, id) => g.cy.getElementById(id).visible()", tool));

        // A real click on the agent's node, where cytoscape drew it, opens the agent.
        JsonElement at = await graph.EvaluateAsync<JsonElement>(
            "(g, id) => { const p = g.cy.getElementById(id).renderedPosition(); const r = g.getBoundingClientRect(); return { x: r.left + p.x, y: r.top + p.y }; }", agent);
        await tab.Page.Mouse.ClickAsync(at.GetProperty("x").GetSingle(), at.GetProperty("y").GetSingle());
        await tab.Page.GetByRole(AriaRole.Heading, new() { Name = DashboardApp.Agent, Level = 1 }).WaitForAsync();
        tab.AssertNoConsoleErrors();
    }
}
