namespace SlapOS.Providers.Buildout;

/// <summary>
/// A part as its recipe sees it: its options (substituted), the other sections, the buildout
/// directory, downloads, the log, and — in an instance deployment — the partition.
/// </summary>
public sealed class BuildoutPartContext
{
    private readonly BuildoutProfile _profile;
    private readonly BuildoutSection _section;

    internal BuildoutPartContext(BuildoutProfile profile, BuildoutSection section)
    {
        _profile = profile;
        _section = section;
    }

    /// <summary>The part (section) name.</summary>
    public string PartName => _section.Name;

    /// <summary>The buildout directory (<c>${buildout:directory}</c>).</summary>
    public string BuildoutDirectory => _profile.Get("buildout", "directory") ?? Environment.Directory;

    /// <summary>Where parts keep their files (<c>${buildout:parts-directory}</c>).</summary>
    public string PartsDirectory => _profile.Get("buildout", "parts-directory") ?? Path.Combine(BuildoutDirectory, "parts");

    /// <summary>Whether the run is offline (<c>[buildout] offline = true</c>): no downloads, only the cache.</summary>
    public bool Offline => Environment.Downloader.Offline;

    /// <summary>The run's log (a file in the buildout directory); what a failure reports is its tail.</summary>
    public TextWriter Log => Environment.Log;

    /// <summary>The partition being deployed, or <see langword="null"/> when installing a release.</summary>
    public PartitionInstance? Partition => Environment.Partition;

    /// <summary>An option of this part, or <see langword="null"/>.</summary>
    public string? this[string option] => _profile.Resolve(_section, option);

    /// <summary>The names of this part's options.</summary>
    public IEnumerable<string> OptionNames => _section.OptionNames.Where(n => n != BuildoutConfigParser.PartDependenciesOption).ToList();

    internal BuildoutEnvironment Environment => _profile.Environment ?? throw new InvalidOperationException("The profile is not being run.");

    internal BuildoutProfile Profile => _profile;

    /// <summary>Substitutes <c>${section:option}</c> in a text, <c>${:x}</c> meaning this part's options.</summary>
    internal string Substitute(string text) => _profile.SubstituteText(_section, "url", text);

    /// <summary>An option of this part; a clear error naming the part when it is missing.</summary>
    /// <exception cref="BuildoutException">The option is missing.</exception>
    public string Require(string option) =>
        this[option] ?? throw new BuildoutException($"The part [{PartName}] needs the option '{option}'.");

    /// <summary>A boolean option (<c>true</c>/<c>yes</c>/<c>on</c>/<c>1</c>).</summary>
    public bool GetBoolean(string option, bool defaultValue) =>
        this[option]?.Trim().ToLowerInvariant() switch
        {
            null or "" => defaultValue,
            "true" or "yes" or "on" or "1" => true,
            "false" or "no" or "off" or "0" => false,
            var other => throw new BuildoutException($"The option '{option}' of [{PartName}] must be true or false, not '{other}'."),
        };

    /// <summary>Sets an option of this part (visible to sections that reference it).</summary>
    public void Set(string option, string value)
    {
        ArgumentNullException.ThrowIfNull(option);
        ArgumentNullException.ThrowIfNull(value);
        _section.Resolved[option] = value;
    }

    /// <summary>An option of another section (initializing it), or <see langword="null"/>.</summary>
    public string? GetOption(string section, string option) =>
        _profile.HasSection(section) ? _profile.Get(section, option) : null;

    /// <summary>Downloads <paramref name="url"/> (or reads a local path / <c>file://</c>), checks its MD5 and returns a local path (cached).</summary>
    public Task<string> DownloadAsync(string url, string? md5, CancellationToken cancellationToken) =>
        Environment.Downloader.FetchAsync(url, md5, cancellationToken);

    /// <summary>
    /// Runs a shell command in <paramref name="workingDirectory"/> (default: the buildout directory),
    /// output to the log, as the partition user when the node runs as root; returns the exit code.
    /// </summary>
    public Task<int> RunShellAsync(string command, IReadOnlyDictionary<string, string>? environment, CancellationToken cancellationToken, string? workingDirectory = null) =>
        BuildoutFiles.RunShellAsync(command, workingDirectory ?? BuildoutDirectory, environment, Log, cancellationToken, Environment.Owner);

    /// <summary>Gives a created path to the partition user, when the node runs as root (no-op otherwise).</summary>
    public void Own(string path) => Environment.Owner?.Own(path);

    /// <summary>Publishes connection parameters: the instance's own, or a shared instance's when <paramref name="sharedInstanceReference"/> is given.</summary>
    public void Publish(IReadOnlyDictionary<string, string> parameters, string? sharedInstanceReference = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Dictionary<string, string> target;
        if (string.IsNullOrEmpty(sharedInstanceReference))
        {
            target = Environment.ConnectionParameters;
        }
        else if (!Environment.SharedConnectionParameters.TryGetValue(sharedInstanceReference, out target!))
        {
            target = new Dictionary<string, string>(StringComparer.Ordinal);
            Environment.SharedConnectionParameters[sharedInstanceReference] = target;
        }

        foreach (var (key, value) in parameters)
        {
            target[key] = value;
        }
    }
}
