using ServerlessDiscovery.Plugins;

// The SDK versions this plugin was built for: a host whose SDK is outside this range refuses to load it.
[assembly: PluginSdkRange("[SD_SDK_VERSION, SD_SDK_NEXT_MAJOR)")]
