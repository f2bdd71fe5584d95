#!/usr/bin/env bash
# Proves that the test runner cannot lie: a throwaway xunit project (in a temporary directory, built
# with the repository's package versions from the local NuGet cache) has a test that passes, one
# that crashes its host (Environment.FailFast) and one that hangs. Run through scripts/lib/test-runner.sh,
# the crash and the hang must each count as a failure, be named, and make the run fail; the passing
# test alone must give "1 passed, 0 failed" and success. Exit 0 when the runner behaves, 1 otherwise.
# scripts/test.sh runs it before the test projects (about a minute).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=lib/test-runner.sh
. "$root/scripts/lib/test-runner.sh"

check() { printf '[selfcheck] %s\n' "$*" >&2; }
work=$(mktemp -d /tmp/slapos-runner-selfcheck.XXXXXX)
trap 'rm -rf "$work"' EXIT

version() { sed -n "s/.*PackageVersion Include=\"$1\" Version=\"\([^\"]*\)\".*/\1/p" "$root/Directory.Packages.props"; }
mkdir -p "$work/Throwaway" "$work/results"
cp "$root/nuget.config" "$root/global.json" "$work/"
cat > "$work/Throwaway/Throwaway.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <ImplicitUsings>enable</ImplicitUsings>
    <IsPackable>false</IsPackable>
    <IsTestProject>true</IsTestProject>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="Microsoft.NET.Test.Sdk" Version="$(version Microsoft.NET.Test.Sdk)" />
    <PackageReference Include="xunit" Version="$(version xunit)" />
    <PackageReference Include="xunit.runner.visualstudio" Version="$(version xunit.runner.visualstudio)" />
  </ItemGroup>
</Project>
XML
cat > "$work/Throwaway/Tests.cs" <<'CS'
namespace Throwaway;

public class Pass { [Xunit.Fact] public void Passes() => Xunit.Assert.Equal(2, 1 + 1); }

public class Crash { [Xunit.Fact] public void Crashes_the_host() => Environment.FailFast("runner self-check: deliberate crash"); }

public class Hang { [Xunit.Fact] public void Hangs() => Thread.Sleep(Timeout.Infinite); }
CS
if ! dotnet build "$work/Throwaway/Throwaway.csproj" -c Release -nologo -v quiet >"$work/build.log" 2>&1; then
  cat "$work/build.log" >&2; check "the throwaway project did not build"; exit 1
fi

ok=1
project="$work/Throwaway/Throwaway.csproj"

# 1. The passing test alone: counted, and the run succeeds.
run_test_project pass "$project" "$work/results" --filter "FullyQualifiedName~Throwaway.Pass" >/dev/null 2>&1
if [ "$(summary_line)" = "1 passed, 0 failed" ] && summary_status; then
  check "ok: a passing test gives '$(summary_line)' and success"
else
  check "WRONG: a passing test gave '$(summary_line)'"; ok=0
fi

# 2. A crashed host: a failure counted and named, and the run fails.
run_test_project crash "$project" "$work/results" --filter "FullyQualifiedName~Throwaway.Crash" >/dev/null 2>"$work/crash.err"
if [ "$failed" -ge 1 ] && ! summary_status && grep -q 'FAILED crash: test host crashed' "$work/crash.err"; then
  check "ok: a crashed host gives '$(summary_line)', failure, and is named"
else
  cat "$work/crash.err" >&2; check "WRONG: a crashed host gave '$(summary_line)'"; ok=0
fi

# 3. A hung test, with a short hang timeout: stopped, named, counted.
before=$failed
TEST_HANG_TIMEOUT=15s run_test_project hang "$project" "$work/results" --filter "FullyQualifiedName~Throwaway.Hang" >/dev/null 2>"$work/hang.err"
if [ "$failed" -gt "$before" ] && grep -q 'hang: *Throwaway.Hang.Hangs' "$work/hang.err"; then
  check "ok: a hung test is stopped and named (Throwaway.Hang.Hangs); total '$(summary_line)'"
else
  cat "$work/hang.err" >&2; check "WRONG: a hung test gave '$(summary_line)'"; ok=0
fi

if [ "$(summary_line)" != "1 passed, 2 failed" ] || summary_status; then
  check "WRONG: the three together gave '$(summary_line)', expected '1 passed, 2 failed' and failure"; ok=0
fi

[ "$ok" = 1 ] && { check "the runner tells the truth"; exit 0; }
exit 1
