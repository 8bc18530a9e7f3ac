using ServerlessDiscovery.Functions.Hosting;

return await ServerlessDiscoveryApp.RunAsync(args);
