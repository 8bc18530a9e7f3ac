using ServerlessDiscovery.Cli;

return await SdApp.RunAsync(args, SdTerminal.FromProcess());
