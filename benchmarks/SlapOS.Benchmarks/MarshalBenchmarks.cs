using BenchmarkDotNet.Attributes;
using SlapOS.Wire;

namespace SlapOS.Benchmarks;

/// <summary>The xml_marshaller writer and reader on a computer document of 1,000 allocated partitions (5 parameters each).</summary>
[MemoryDiagnoser]
public class MarshalBenchmarks
{
    private ComputerDocument _document = null!;
    private MarshalObject _computer = null!;
    private string _xml = null!;

    [Params(1000)]
    public int Partitions { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _document = Documents.Computer(Partitions);
        _computer = SlapWireObjects.ToComputer(_document);
        _xml = SlapMarshal.Write(_computer);
    }

    [Benchmark(Description = "ToComputer (model -> marshal objects)")]
    public MarshalObject ToComputer() => SlapWireObjects.ToComputer(_document);

    [Benchmark(Description = "SlapMarshal.Write")]
    public string Write() => SlapMarshal.Write(_computer);

    [Benchmark(Description = "ToComputer + Write (the master's answer)")]
    public string ToComputerAndWrite() => SlapMarshal.Write(SlapWireObjects.ToComputer(_document));

    [Benchmark(Description = "SlapMarshal.Read + ReadComputer (the node's decode)")]
    public ComputerDocument ReadAndDecode() =>
        SlapWireObjects.ReadComputer(SlapMarshal.Read(_xml, SlapMarshalLimits.Default with { MaxDocumentSize = 64 * 1024 * 1024, MaxElements = 10_000_000 }));
}
