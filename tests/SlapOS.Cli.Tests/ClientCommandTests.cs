using System.Text.Json;

namespace SlapOS.Cli.Tests;

public sealed class ClientCommandTests(LiveMaster master) : IClassFixture<LiveMaster>
{
    [Fact]
    public async Task Request_allocates_an_instance_and_service_info_shows_it()
    {
        var (code, output, error) = await master.RunAsync("request", "cli-one", LiveMaster.Release, "--parameters", "name=World", "greeting=hi", "--sla", $"computer_guid={LiveMaster.Computer}");

        Assert.True(code == 0, error);
        Assert.Empty(error);
        Assert.Contains("State is: started.", output, StringComparison.Ordinal);
        Assert.Contains($"Allocated on: {LiveMaster.Computer} / slappart", output, StringComparison.Ordinal);

        (code, output, _) = await master.RunAsync("service", "info", "cli-one");
        Assert.Equal(0, code);
        Assert.Contains($"Software Release URL: {LiveMaster.Release}", output, StringComparison.Ordinal);
        Assert.Contains("name = World", output, StringComparison.Ordinal);
        Assert.Contains("greeting = hi", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Service_list_prints_the_title_to_release_map_as_slapos_does()
    {
        Assert.Equal(0, (await master.RunAsync("request", "cli-listed", LiveMaster.Release)).ExitCode);

        var (code, output, _) = await master.RunAsync("service", "list");

        Assert.Equal(0, code);
        using var document = JsonDocument.Parse(output);
        Assert.Equal(LiveMaster.Release, document.RootElement.GetProperty("cli-listed").GetString());
    }

    [Fact]
    public async Task Json_output_of_request_is_the_instance_document()
    {
        var (code, output, _) = await master.RunAsync("request", "cli-json", LiveMaster.Release, "--state", "stopped", "--json");

        Assert.Equal(0, code);
        using var document = JsonDocument.Parse(output);
        Assert.Equal("stopped", document.RootElement.GetProperty("state").GetString());
        Assert.Equal("cli-json", document.RootElement.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Parameters_file_is_read_as_json()
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, """{"name": "FromFile", "count": 3}""");
            Assert.Equal(0, (await master.RunAsync("request", "cli-file", LiveMaster.Release, "--parameters-file", file)).ExitCode);

            var (_, output, _) = await master.RunAsync("service", "info", "cli-file", "--json");
            using var document = JsonDocument.Parse(output);
            Assert.Equal("FromFile", document.RootElement.GetProperty("parameters").GetProperty("name").GetString());
            Assert.Equal("3", document.RootElement.GetProperty("parameters").GetProperty("count").GetString());
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Supply_and_remove_show_in_computer_info()
    {
        const string url = "https://example.com/sr/other/software.cfg";
        Assert.Equal(0, (await master.RunAsync("supply", url, LiveMaster.Computer)).ExitCode);
        var (_, output, _) = await master.RunAsync("computer", "info", LiveMaster.Computer);
        Assert.Contains($"{url} (available)", output, StringComparison.Ordinal);

        Assert.Equal(0, (await master.RunAsync("remove", url, LiveMaster.Computer)).ExitCode);
        (_, output, _) = await master.RunAsync("computer", "info", LiveMaster.Computer);
        Assert.Contains($"{url} (destroyed)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Computer_list_names_the_formatted_computer()
    {
        var (code, output, _) = await master.RunAsync("computer", "list");

        Assert.Equal(0, code);
        Assert.Contains(LiveMaster.Computer, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_instance_is_one_clear_line_and_exit_code_one()
    {
        var (code, output, error) = await master.RunAsync("service", "info", "no-such-instance");

        Assert.Equal(1, code);
        Assert.Empty(output);
        Assert.Equal("slapos: error: instance tree 'no-such-instance' does not exist", error.TrimEnd());
    }

    [Fact]
    public async Task A_bad_flag_is_one_clear_line_and_exit_code_two()
    {
        var (code, _, error) = await master.RunAsync("request", "x", LiveMaster.Release, "--bogus");

        Assert.Equal(2, code);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.Contains("--bogus", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_computer_in_the_sla_is_reported_without_a_stack_trace()
    {
        var (code, _, error) = await master.RunAsync("request", "cli-nowhere", LiveMaster.Release, "--sla", "computer_guid=COMP-404");

        Assert.Equal(1, code);
        Assert.Equal("slapos: error: computer 'COMP-404' does not exist", error.TrimEnd());
    }
}
