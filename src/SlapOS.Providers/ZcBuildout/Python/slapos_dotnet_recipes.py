# Buildout recipes of SlapOS for .NET, for zc.buildout (written out by the node at run time).
#
# The same names and options as the native (C#) engine's built-in recipes, so that one
# software release installs and deploys with either installer. Every recipe distribution
# (template, slapos.cookbook, plone.recipe.command, ...) points its entry points here.
#
# Two files connect the recipes to the node, both in ${buildout:directory}:
#   .slapos-configuration.json       written by the node before the run: the options
#                                    slapconfiguration sets (computed by the node, as the
#                                    native engine does);
#   .slapos-connection-parameters.json  written by publish: {"connection": {...},
#                                    "shared": {"<reference>": {...}}}; read by the node.
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile

CONFIGURATION_FILE = ".slapos-configuration.json"
PUBLISHED_FILE = ".slapos-connection-parameters.json"


try:  # zc.buildout prints a UserError as 'Error: <message>', without a traceback.
    from zc.buildout import UserError as _Base
except ImportError:  # pragma: no cover - only without zc.buildout
    _Base = Exception


class RecipeError(_Base):
    """A profile error, reported by buildout as 'Error: <message>'."""


def _parse_mode(mode, default, part):
    if mode is None or not mode.strip():
        return default
    text = mode.strip()
    if text.lower().startswith("0o"):
        text = text[2:]
    try:
        return int(text, 8)
    except ValueError:
        raise RecipeError("The mode '%s' of [%s] is not an octal number." % (mode, part))


def _parse_environment(lines, part):
    result = {}
    if lines is None or not lines.strip():
        return result
    for line in lines.split("\n"):
        line = line.strip()
        if not line:
            continue
        equals = line.find("=")
        if equals <= 0:
            raise RecipeError("The environment line '%s' of [%s] is not KEY=VALUE." % (line, part))
        result[line[:equals].strip()] = line[equals + 1:].strip()
    return result


def _boolean(value, default):
    if value is None or not value.strip():
        return default
    text = value.strip().lower()
    if text in ("true", "yes", "on", "1"):
        return True
    if text in ("false", "no", "off", "0"):
        return False
    raise RecipeError("'%s' is not a boolean (true or false)." % value)


def _write(path, content, mode):
    """Writes atomically (temporary file + rename) with a mode, as the native engine."""
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(content)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise


def _run_shell(command, directory, environment):
    sys.stdout.write("$ %s\n" % command)
    sys.stdout.flush()
    env = dict(os.environ)
    env.update(environment)
    return subprocess.call(["/bin/sh", "-c", command], cwd=directory, env=env, stdin=subprocess.DEVNULL)


def _quote(value):
    return "'" + value.replace("'", "'\\''") + "'"


def _download(buildout, url, md5sum):
    """A file by URL or path, through buildout's download cache (offline aware)."""
    import zc.buildout.download

    path, _ = zc.buildout.download.Download(buildout["buildout"])(url.strip(), md5sum=(md5sum or "").strip() or None)
    return path


class _Recipe(object):
    def __init__(self, buildout, name, options):
        self.buildout = buildout
        self.name = name
        self.options = options

    @property
    def directory(self):
        return self.buildout["buildout"]["directory"]

    def require(self, option):
        value = self.options.get(option)
        if value is None:
            raise RecipeError("The part [%s] needs the option '%s'." % (self.name, option))
        return value


# --- command (plone.recipe.command) -------------------------------------------------------

class Command(_Recipe):
    """Runs 'command' with /bin/sh on install, 'update-command' on update."""

    def install(self):
        self._run(self.require("command"))
        return [l.strip() for l in self.options.get("location", "").split("\n") if l.strip()]

    def update(self):
        update = self.options.get("update-command")
        if update and update.strip():
            self._run(update)

    def _run(self, command):
        environment = _parse_environment(self.options.get("environment"), self.name)
        code = _run_shell(command, self.directory, environment)
        if code != 0:
            if _boolean(self.options.get("stop-on-error"), False):
                raise RecipeError("The command of [%s] failed with exit code %d." % (self.name, code))
            print("The command of [%s] failed with exit code %d (stop-on-error is off)." % (self.name, code))


# --- wrapper (slapos.cookbook:wrapper) ----------------------------------------------------

class Wrapper(_Recipe):
    """Writes an executable /bin/sh script at 'wrapper-path' that execs 'command-line'."""

    def __init__(self, buildout, name, options):
        _Recipe.__init__(self, buildout, name, options)
        self.require("command-line")
        self.require("wrapper-path")

    def install(self):
        path = self.require("wrapper-path").strip()
        command = " ".join(l.strip() for l in self.require("command-line").split("\n") if l.strip())
        script = "#!/bin/sh\n# Written by the buildout part [%s]: changes are overwritten.\n" % self.name
        for key, value in _parse_environment(self.options.get("environment"), self.name).items():
            script += "export %s=%s\n" % (key, _quote(value))
        script += "exec " + command
        if _boolean(self.options.get("parameters-extra"), False):
            script += ' "$@"'
        script += "\n"
        _write(path, script, _parse_mode(self.options.get("mode"), 0o755, self.name))
        return [path]

    update = install


# --- mkdirectory (slapos.cookbook:mkdirectory) --------------------------------------------

class MkDirectory(_Recipe):
    """Every option but 'recipe' and 'mode' is a directory to create; never removed."""

    def install(self):
        mode = _parse_mode(self.options.get("mode"), 0o700, self.name)
        for option in list(self.options.keys()):
            if option in ("recipe", "mode") or option.startswith("_") or option.startswith("<"):
                continue
            path = self.options[option].strip()
            if not path:
                continue
            full = path if os.path.isabs(path) else os.path.join(self.directory, path)
            missing = []
            d = full
            while d and not os.path.isdir(d):
                missing.append(d)
                parent = os.path.dirname(d)
                if parent == d:
                    break
                d = parent
            for d in reversed(missing):
                os.mkdir(d, mode)
                os.chmod(d, mode)
        return []

    update = install


# --- publish (slapos.cookbook:publish) ----------------------------------------------------

class Publish(_Recipe):
    """Every option but 'recipe' becomes a connection parameter (of '-slave-reference' if set)."""

    def install(self):
        parameters = {}
        for option in self.options.keys():
            if option in ("recipe", "-slave-reference", "-extends") or option.startswith("_"):
                continue
            parameters[option] = self.options[option]
        path = os.path.join(self.directory, PUBLISHED_FILE)
        published = {"connection": {}, "shared": {}}
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                published = json.load(f)
        reference = self.options.get("-slave-reference")
        if reference:
            published["shared"].setdefault(reference, {}).update(parameters)
        else:
            published["connection"].update(parameters)
        _write(path, json.dumps(published, sort_keys=True), 0o600)
        return []

    update = install


# --- slapconfiguration (slapos.cookbook:slapconfiguration[.serialised]) -------------------

class SlapConfiguration(_Recipe):
    """Fills its section with the partition's parameters and addresses, from the node's file."""

    key = "options"

    def __init__(self, buildout, name, options):
        _Recipe.__init__(self, buildout, name, options)
        path = os.path.join(self.directory, CONFIGURATION_FILE)
        if not os.path.exists(path):
            raise RecipeError(
                "The part [%s] (slapconfiguration) needs %s, written by the node: it only works in an"
                " instance profile deployed by SlapOS for .NET." % (name, path))
        with open(path, encoding="utf-8") as f:
            configuration = json.load(f)
        error = configuration.get(self.key + "-error")
        if error:
            raise RecipeError(error)
        # The master connection options SlapOS profiles give: the node already read the
        # partition, so they are only read here, not to be reported as unused.
        for key in ("computer", "partition", "url", "key", "cert", "storage-home"):
            options.get(key)
        for key, value in configuration[self.key]:
            options[key] = value

    def install(self):
        return []

    def update(self):
        pass


class SerialisedSlapConfiguration(SlapConfiguration):
    """slapconfiguration that also unpacks the JSON parameter '_'."""

    key = "serialised-options"


# --- download (slapos.recipe.build:download) ----------------------------------------------

class Download(_Recipe):
    """Downloads 'url' (checked against 'md5sum') to 'destination' or parts/<part>/<filename>."""

    def __init__(self, buildout, name, options):
        _Recipe.__init__(self, buildout, name, options)
        url = self.require("url").strip()
        destination = options.get("destination", "").strip()
        if destination:
            options["target"] = destination
            return
        filename = options.get("filename", "").strip()
        if not filename:
            location = url.split("#", 1)[0]
            filename = os.path.basename(re.sub(r"^[a-z]+://[^/]*", "", location))
        if not filename:
            raise RecipeError("The part [%s] cannot name the file of '%s': give 'filename' or 'destination'." % (name, url))
        options["target"] = os.path.join(buildout["buildout"]["parts-directory"], name, filename)

    def install(self):
        source = _download(self.buildout, self.require("url"), self.options.get("md5sum"))
        target = self.options["target"]
        os.makedirs(os.path.dirname(os.path.abspath(target)), exist_ok=True)
        with open(source, "rb") as s, open(target, "wb") as t:
            t.write(s.read())
        mode = self.options.get("mode")
        if mode and mode.strip():
            os.chmod(target, _parse_mode(mode, 0o600, self.name))
        own = os.path.join(self.buildout["buildout"]["parts-directory"], self.name)
        return [own if target.startswith(own + os.sep) else target]


# --- cmmi (slapos.recipe.cmmi) ------------------------------------------------------------

class Cmmi(_Recipe):
    """configure / make / make install of a tarball ('url') or a directory ('path')."""

    def __init__(self, buildout, name, options):
        _Recipe.__init__(self, buildout, name, options)
        if options.get("url") is None and options.get("path") is None:
            raise RecipeError("The part [%s] (cmmi) needs 'url' or 'path'." % name)
        prefix = options.get("prefix", "").strip() or os.path.join(buildout["buildout"]["parts-directory"], name)
        options["prefix"] = prefix
        options["location"] = prefix

    def install(self):
        prefix = self.options["prefix"]
        build = os.path.join(self.buildout["buildout"]["parts-directory"], self.name + "__compile__")
        if os.path.isdir(build):
            import shutil
            shutil.rmtree(build)
        os.makedirs(build)
        environment = _parse_environment(self.options.get("environment"), self.name)
        path = self.options.get("path", "").strip()
        if path:
            source = path
        else:
            archive = _download(self.buildout, self.options["url"], self.options.get("md5sum"))
            self._run("tar -xf %s -C %s" % (_quote(archive), _quote(build)), build, environment, "unpacking")
            entries = os.listdir(build)
            single = os.path.join(build, entries[0]) if len(entries) == 1 else None
            source = single if single and os.path.isdir(single) else build

        def join(value):
            return " ".join(l.strip() for l in (value or "").split("\n") if l.strip())

        configure = self.options.get("configure-command", "").strip() or "./configure"
        make_options = join(self.options.get("make-options"))
        targets = join(self.options.get("make-targets")) or "install"
        self._run("%s --prefix=%s %s" % (configure, _quote(prefix), join(self.options.get("configure-options"))), source, environment, "configure")
        self._run("make %s" % make_options, source, environment, "make")
        self._run("make %s %s" % (make_options, targets), source, environment, "make install")
        import shutil
        shutil.rmtree(build)
        return [prefix]

    def _run(self, command, directory, environment, step):
        code = _run_shell(command, directory, environment)
        if code != 0:
            raise RecipeError("The %s step of [%s] failed with exit code %d." % (step, self.name, code))


# --- template (slapos.recipe.template) ----------------------------------------------------

def _identifier(name):
    return name.replace("-", "_").replace(".", "_")


_JSON_ESCAPES = {"\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _json(value):
    """JSON as System.Text.Json writes it with its default encoder (the native engine's Liquid
    'json' filter): HTML-sensitive characters and all but printable ASCII as \\uXXXX."""
    if value is None:
        return "null"
    out = ['"']
    for ch in value:
        code = ord(ch)
        if ch in _JSON_ESCAPES:
            out.append(_JSON_ESCAPES[ch])
        elif code < 0x20 or code >= 0x7F or ch in "\"<>&'+`":
            if code > 0xFFFF:
                code -= 0x10000
                out.append("\\u%04X\\u%04X" % (0xD800 + (code >> 10), 0xDC00 + (code & 0x3FF)))
            else:
                out.append("\\u%04X" % code)
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


_FILTERS = {"json": _json}
_TOKEN = re.compile(r"\{\{(.*?)\}\}|\{%(.*?)%\}", re.S)
_PATH = re.compile(r"\s*([A-Za-z_][\w-]*)((?:\s*\.\s*[A-Za-z_][\w.-]*|\s*\[\s*(?:\"[^\"]*\"|'[^']*')\s*\])*)\s*$")
_STEP = re.compile(r"\s*\.\s*([A-Za-z_][\w-]*)|\s*\[\s*(?:\"([^\"]*)\"|'([^']*)')\s*\]")


class Template(_Recipe):
    """Renders 'inline' or 'url' (+ 'md5sum') to 'output' (with 'mode').

    The Liquid subset the samples use: {{ section.option }} (sections and options also by
    their names with '_' for '-' and '.', and section["option"]), with the 'json' filter.
    """

    def __init__(self, buildout, name, options):
        _Recipe.__init__(self, buildout, name, options)
        self.require("output")
        rendered = self._render()
        options["__template_md5__"] = hashlib.md5(rendered.encode("utf-8")).hexdigest()

    def install(self):
        output = self.options["output"].strip()
        _write(output, self._render(), _parse_mode(self.options.get("mode"), 0o644, self.name))
        return [output]

    def update(self):
        pass

    def _source(self):
        inline = self.options.get("inline")
        if inline is not None:
            return inline
        url = self.options.get("url", "").strip()
        if url:
            if not re.match(r"^[a-z]+://", url) and not os.path.isabs(url):
                url = os.path.join(self.directory, url)
            with open(_download(self.buildout, url, self.options.get("md5sum")), encoding="utf-8") as f:
                return f.read()
        raise RecipeError("The part [%s] (template) needs 'inline' or 'url'." % self.name)

    def _render(self):
        source = self._source()
        return _TOKEN.sub(self._expand, source)

    def _expand(self, match):
        if match.group(2) is not None:
            raise RecipeError(
                "The template of [%s] uses the Liquid tag {%%%s%%}: the zc.buildout recipes render only"
                " {{ section.option | json }}." % (self.name, match.group(2)))
        expression = match.group(1)
        if expression.startswith("-"):
            expression = expression[1:]
        if expression.endswith("-"):
            expression = expression[:-1]
        pieces = expression.split("|")
        value = self._lookup(pieces[0])
        for f in pieces[1:]:
            f = f.strip()
            if f not in _FILTERS:
                raise RecipeError("The template of [%s] uses the Liquid filter '%s': only 'json' is supported." % (self.name, f))
            value = _FILTERS[f](value)
        return "" if value is None else value

    def _lookup(self, expression):
        match = _PATH.match(expression)
        if not match:
            raise RecipeError("The template of [%s] has an expression it cannot read: {{%s}}." % (self.name, expression))
        steps = [m.group(1) or m.group(2) or m.group(3) or "" for m in _STEP.finditer(match.group(2))]
        section = self._section(match.group(1))
        if section is None or not steps:
            return None
        if len(steps) > 1:
            return None
        return self._option(section, steps[0])

    def _section(self, name):
        sections = list(self.buildout.keys())
        if name in sections:
            return self.buildout[name]
        for section in sections:
            if _identifier(section) == name:
                return self.buildout[section]
        return None

    @staticmethod
    def _option(section, key):
        value = section.get(key)
        if value is not None:
            return value
        for option in list(section.keys()):
            if _identifier(option) == key:
                return section[option]
        return None


class SlaposTemplate(Template):
    """slapos.recipe.template, as the native engine has it: the file named by 'url' goes through
    buildout's ${section:option} substitution (an 'inline' template already did), no Liquid."""

    def _render(self):
        source = self._source()
        if self.options.get("inline") is not None:
            return source
        return self.options._sub(source, [])

