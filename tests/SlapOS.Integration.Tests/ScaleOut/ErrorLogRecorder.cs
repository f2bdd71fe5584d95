using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace SlapOS.Integration.Tests.ScaleOut;

/// <summary>Keeps a host's warnings and errors (with their exceptions), so that a test can print why a request failed.</summary>
internal sealed class ErrorLogRecorder : ILoggerProvider, ILogger
{
    public ConcurrentQueue<string> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => this;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel))
        {
            Entries.Enqueue($"{logLevel}: {formatter(state, exception)} {exception?.GetType().Name}: {exception?.Message} {exception?.InnerException?.GetType().Name}: {exception?.InnerException?.Message}");
        }
    }

    public void Dispose()
    {
    }
}
