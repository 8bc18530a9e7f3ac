#!/usr/bin/env bash
# A check run by hand, not by test.sh: validates the export that the OpenCITE export test produces
# (OpenCiteExportTests.GuiExportData_StatusThenExport_IsAnOpenCiteExport) against OpenCITE's own JSON schema
# (schema/opencite-schema.json of LangGuard-AI/open-cite, draft-07) with JsonSchema.Net, formats asserted.
# Nothing of OpenCITE is in this repository: give the path of a copy of its schema.
#   scripts/check-opencite-export.sh path/to/opencite-schema.json
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
schema=$(realpath "${1:?usage: $0 path/to/opencite-schema.json}")
root=$(repo_root)
cd "$root"
ensure_node_tools "$root"
work=$(mktemp -d)

port=$(free_port)
queue_port=$(free_port)
while [ "$queue_port" = "$port" ]; do queue_port=$(free_port); done
node_modules/.bin/azurite-table --tableHost 127.0.0.1 --tablePort "$port" --inMemoryPersistence \
  --skipApiVersionCheck --disableProductStyleUrl --silent >/dev/null 2>&1 &
table_pid=$!
node_modules/.bin/azurite-queue --queueHost 127.0.0.1 --queuePort "$queue_port" --inMemoryPersistence \
  --skipApiVersionCheck --disableProductStyleUrl --silent >/dev/null 2>&1 &
queue_pid=$!
trap 'stop_process "$table_pid"; stop_process "$queue_pid"; rm -rf "$work"' EXIT
wait_for_port "$port" 60
wait_for_port "$queue_port" 60
export SD_TEST_TABLE_CONNECTION SD_TEST_QUEUE_CONNECTION SD_OPENCITE_EXPORT_OUT="$work/export.json"
SD_TEST_TABLE_CONNECTION=$(azurite_table_connection "$port")
SD_TEST_QUEUE_CONNECTION=$(azurite_queue_connection "$queue_port")
export SD_TEST_REPO_ROOT="$root"

echo "== export (from the test)"
dotnet test tests/ServerlessDiscovery.Functions.Tests -c Release -nologo -v quiet \
  --filter "FullyQualifiedName~OpenCiteExportTests.GuiExportData_StatusThenExport_IsAnOpenCiteExport"

echo "== validate against $schema"
mkdir -p "$work/check"
cp nuget.config "$work/check/"
version=$(sed -n 's/.*"JsonSchema.Net" Version="\([^"]*\)".*/\1/p' Directory.Packages.props)
cat >"$work/check/check.csproj" <<EOF
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework><Nullable>enable</Nullable><ImplicitUsings>enable</ImplicitUsings></PropertyGroup>
  <ItemGroup><PackageReference Include="JsonSchema.Net" Version="$version" /></ItemGroup>
</Project>
EOF
cat >"$work/check/Program.cs" <<'EOF'
using System.Text.Json.Nodes;
using Json.Schema;

JsonSchema schema = JsonSchema.FromText(File.ReadAllText(args[0]));
JsonNode? export = JsonNode.Parse(File.ReadAllText(args[1]));
EvaluationResults results = schema.Evaluate(export, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
foreach (EvaluationResults detail in results.Details.Where(d => d.HasErrors))
{
    foreach ((string keyword, string message) in detail.Errors!)
    {
        Console.WriteLine($"{detail.InstanceLocation} ({detail.EvaluationPath}, {keyword}): {message}");
    }
}

Console.WriteLine(results.IsValid ? "valid" : "INVALID");
return results.IsValid ? 0 : 1;
EOF
dotnet run --project "$work/check/check.csproj" -c Release -- "$schema" "$work/export.json"
