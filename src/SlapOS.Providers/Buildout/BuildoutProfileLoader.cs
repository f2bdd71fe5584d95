namespace SlapOS.Providers.Buildout;

/// <summary>
/// Loads a profile and everything it <c>extends</c> (relative paths, <c>file://</c>,
/// <c>http(s)://</c> with <c>#md5=</c>) into one set of raw sections, merging as zc.buildout's
/// <c>_open</c>/<c>_update_section</c> do: later files override earlier ones, <c>key +=</c> and
/// <c>key -=</c> add or remove lines of the inherited value.
/// </summary>
internal static class BuildoutProfileLoader
{
    public const string ProfileBaseLocationOption = "_profile_base_location_";

    public static async Task<Dictionary<string, Dictionary<string, string>>> LoadAsync(
        string profile,
        IReadOnlyDictionary<string, Dictionary<string, string>> defaults,
        IReadOnlyDictionary<string, Dictionary<string, string>> overrides,
        BuildoutDownloader downloader,
        CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        foreach (var (name, section) in defaults)
        {
            result[name] = new Dictionary<string, string>(section, StringComparer.Ordinal);
        }

        var loaded = await OpenAsync(null, profile, [], downloader, cancellationToken).ConfigureAwait(false);
        Merge(result, loaded);
        Merge(result, overrides.ToDictionary(p => p.Key, p => new Dictionary<string, string>(p.Value, StringComparer.Ordinal), StringComparer.Ordinal));
        return result;
    }

    private static async Task<Dictionary<string, Dictionary<string, string>>> OpenAsync(
        string? baseLocation, string fileName, List<string> seen, BuildoutDownloader downloader, CancellationToken cancellationToken)
    {
        var (location, md5) = BuildoutDownloader.SplitChecksum(fileName.Trim());
        string resolved;
        if (BuildoutDownloader.IsUrl(location) || Path.IsPathRooted(location))
        {
            resolved = location;
        }
        else if (baseLocation is null)
        {
            resolved = Path.GetFullPath(location);
        }
        else if (BuildoutDownloader.IsUrl(baseLocation))
        {
            resolved = new Uri(new Uri(baseLocation + "/"), location).ToString();
        }
        else
        {
            resolved = Path.GetFullPath(Path.Combine(baseLocation, location));
        }

        if (seen.Contains(resolved))
        {
            throw new BuildoutException($"Recursive file include: {string.Join(" -> ", seen)} -> {resolved}");
        }

        var path = await downloader.FetchAsync(md5 is null ? resolved : resolved + "#md5=" + md5, null, cancellationToken).ConfigureAwait(false);
        var text = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        var sections = BuildoutConfigParser.Parse(text, resolved);

        var fileBase = BaseOf(resolved);
        foreach (var section in sections.Values)
        {
            section.TryAdd(ProfileBaseLocationOption, fileBase);
        }

        string? extends = null;
        if (sections.TryGetValue("buildout", out var buildout))
        {
            buildout.Remove(ProfileBaseLocationOption);
            buildout.Remove("extends", out extends);

            // As buildout, the root profile's own "offline" applies to the files it extends.
            if (seen.Count == 0 && buildout.TryGetValue("offline", out var offline) && IsTrue(offline))
            {
                downloader.Offline = true;
            }
        }

        if (string.IsNullOrWhiteSpace(extends))
        {
            return sections;
        }

        seen.Add(resolved);
        Dictionary<string, Dictionary<string, string>>? merged = null;
        foreach (var extended in extends.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            var next = await OpenAsync(fileBase, extended, seen, downloader, cancellationToken).ConfigureAwait(false);
            merged = merged is null ? next : Merge(merged, next);
        }

        seen.RemoveAt(seen.Count - 1);
        return Merge(merged!, sections);
    }

    public static bool IsTrue(string? value) => value?.Trim().ToLowerInvariant() is "true" or "yes" or "on" or "1";

    private static string BaseOf(string resolved)
    {
        if (resolved.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || resolved.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            return resolved[..resolved.LastIndexOf('/')];
        }

        return Path.GetDirectoryName(Path.GetFullPath(BuildoutDownloader.ToLocalPath(resolved)))!;
    }

    /// <summary>Merges <paramref name="overlay"/> into <paramref name="target"/> (section by section) and returns it.</summary>
    public static Dictionary<string, Dictionary<string, string>> Merge(
        Dictionary<string, Dictionary<string, string>> target, Dictionary<string, Dictionary<string, string>> overlay)
    {
        foreach (var (name, section) in overlay)
        {
            if (target.TryGetValue(name, out var existing))
            {
                MergeSection(existing, section);
            }
            else
            {
                target[name] = section;
            }
        }

        return target;
    }

    /// <summary>
    /// Section <paramref name="overlay"/> over <paramref name="target"/>: plain keys override,
    /// <c>key +</c> / <c>key -</c> add or remove lines of the value (the overlay's own value first, then the target's).
    /// </summary>
    public static void MergeSection(Dictionary<string, string> target, Dictionary<string, string> overlay)
    {
        List<KeyValuePair<string, string>>? operations = null;
        foreach (var pair in overlay)
        {
            if (IsOperation(pair.Key))
            {
                (operations ??= []).Add(pair);
            }
            else
            {
                target[pair.Key] = pair.Value;
            }
        }

        if (operations is null)
        {
            return;
        }

        // Additions before removals of the same key, as buildout sorts them.
        operations.Sort((a, b) =>
        {
            var byName = string.CompareOrdinal(OperationTarget(a.Key), OperationTarget(b.Key));
            return byName != 0 ? byName : a.Key[^1] == '+' ? (b.Key[^1] == '+' ? 0 : -1) : b.Key[^1] == '+' ? 1 : 0;
        });
        foreach (var (key, value) in operations)
        {
            var name = OperationTarget(key);
            overlay.TryGetValue(name, out var baseValue);
            if (baseValue is null)
            {
                target.TryGetValue(name, out baseValue);
            }

            target[name] = Apply(baseValue ?? string.Empty, key[^1], value);
        }
    }

    /// <summary>Whether an option name is an operation (<c>key +</c>, <c>key-</c>): buildout reads a trailing + or - so.</summary>
    public static bool IsOperation(string key) => key.Length > 1 && key[^1] is '+' or '-' && OperationTarget(key).Length > 0;

    /// <summary>The option an operation changes: the name without its trailing operator and spaces.</summary>
    public static string OperationTarget(string key) => key.TrimEnd(key[^1], ' ');

    /// <summary>Applies <c>+=</c> (<paramref name="op"/> '+') or <c>-=</c> ('-') to a value, line by line.</summary>
    public static string Apply(string baseValue, char op, string value)
    {
        var lines = baseValue.Length == 0 ? [] : baseValue.Split('\n').ToList();
        var changes = value.Split('\n');
        if (op == '+')
        {
            lines.AddRange(changes);
        }
        else
        {
            var removed = new HashSet<string>(changes.Select(c => c.Trim()), StringComparer.Ordinal);
            lines.RemoveAll(l => removed.Contains(l.Trim()));
        }

        return string.Join('\n', lines).Trim('\n');
    }
}
