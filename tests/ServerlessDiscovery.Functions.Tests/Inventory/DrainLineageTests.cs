using ServerlessDiscovery.Engine.Inventory;

namespace ServerlessDiscovery.Functions.Tests.Inventory;

/// <summary>How an asset row's remembered drains decide whether a journal lineage is already counted on it.</summary>
public sealed class DrainLineageTests
{
    [Fact]
    public void Remember_LineageExtendingAnAppliedOne_IsApplied_ASiblingOrALongerIdIsNot()
    {
        // d2 took rows of the failed d1 back and wrote this asset with them.
        string? drains = ObservationWriter.Remember(null, "d1:d2", out bool applied);
        Assert.False(applied);

        // Those rows come back again (d2 failed later), alone or split: already counted here.
        ObservationWriter.Remember(drains, "d1:d2:d4", out applied);
        Assert.True(applied);
        ObservationWriter.Remember(drains, "d1:d2:d5:d6", out applied);
        Assert.True(applied);

        // Other rows of d1, taken back by another drain: not counted yet. An id that merely starts alike is another drain.
        ObservationWriter.Remember(drains, "d1:d3", out applied);
        Assert.False(applied);
        ObservationWriter.Remember(drains, "d1:d22", out applied);
        Assert.False(applied);
    }
}
