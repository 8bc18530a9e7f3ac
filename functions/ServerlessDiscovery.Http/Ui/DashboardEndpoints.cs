using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;

namespace ServerlessDiscovery.Http.Ui;

/// <summary>
/// The dashboard: static files shipped next to the app (wwwroot/ui in the build and publish output) served at /ui/,
/// anonymously (its data comes from the API, with the key the person signs in with), compressed, revalidated by ETag,
/// and under a strict Content-Security-Policy: scripts, styles and connections from this origin only; no inline script,
/// no eval, no framing. <c>/</c> redirects to <c>/ui/</c>.
/// </summary>
internal static class DashboardEndpoints
{
    public const string PathPrefix = "/ui";

    /// <summary>What the browser may load and run on a dashboard page.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private const string MissingFiles = "This build has no dashboard files: wwwroot/ui is missing next to ServerlessDiscovery.dll.";

    /// <summary>The files' folder in the build and publish output.</summary>
    internal static string FilesPath { get; } = Path.Combine(AppContext.BaseDirectory, "wwwroot", "ui");

    /// <summary>Response compression for the dashboard's text files (its scripts are most of its weight).</summary>
    public static IServiceCollection AddDashboard(this IServiceCollection services) =>
        services.AddResponseCompression(o =>
        {
            o.Providers.Add<BrotliCompressionProvider>();
            o.Providers.Add<GzipCompressionProvider>();
            o.MimeTypes = ["text/html", "text/css", "text/javascript", "application/javascript", "image/svg+xml", "text/plain"];
        });

    /// <summary>Serves /ui/ (its own branch, before authentication: the files hold no data) and redirects / there.</summary>
    public static IApplicationBuilder UseDashboard(this IApplicationBuilder app)
    {
        app.Use((context, next) =>
        {
            if (context.Request.Path.Value is "/" && HttpMethods.IsGet(context.Request.Method))
            {
                context.Response.Redirect(PathPrefix + "/");
                return Task.CompletedTask;
            }

            return next(context);
        });

        app.Map(PathPrefix, ui =>
        {
            ui.Use((context, next) =>
            {
                IHeaderDictionary headers = context.Response.Headers;
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "no-referrer";
                headers.CacheControl = "no-cache";
                return next(context);
            });

            if (!Directory.Exists(FilesPath))
            {
                ui.Run(context => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: MissingFiles).ExecuteAsync(context));
                return;
            }

            ui.UseResponseCompression();
            var files = new PhysicalFileProvider(FilesPath);
            ui.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
            ui.UseStaticFiles(new StaticFileOptions { FileProvider = files, ContentTypeProvider = ContentTypes() });
            ui.Run(context => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: "No dashboard file at this path.").ExecuteAsync(context));
        });
        return app;
    }

    private static FileExtensionContentTypeProvider ContentTypes()
    {
        var types = new FileExtensionContentTypeProvider();
        types.Mappings[".js"] = "text/javascript";
        types.Mappings[".mjs"] = "text/javascript";
        return types;
    }
}
