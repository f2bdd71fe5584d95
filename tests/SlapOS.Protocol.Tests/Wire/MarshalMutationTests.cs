using System.Text;
using SlapOS.Wire;

namespace SlapOS.Tests.Wire;

/// <summary>Mutated captured documents: each one decodes or fails with <see cref="SlapMarshalException"/>, nothing else.</summary>
public class MarshalMutationTests
{
    private const string Alphabet = "<>&;#/=\"' xi0123456789abcdefmarshlistdictionaryobjectreferencenoneboolintfloat\n\u00e9\ud83d\ude00";

    [Fact]
    public void Mutated_documents_fail_only_with_the_typed_exception()
    {
        var random = new Random(20261124);
        var documents = WireCaptures.All
            .Select(e => e.ResponseBody)
            .Where(b => b.StartsWith("<marshal", StringComparison.Ordinal))
            .ToList();
        Assert.NotEmpty(documents);
        var decoded = 0;
        var refused = 0;

        for (var round = 0; round < 4000; round++)
        {
            var mutated = Mutate(documents[random.Next(documents.Count)], random);
            try
            {
                var value = SlapMarshal.Read(mutated);
                decoded++;

                // Whatever decodes must encode again (or be refused by the writer with the same exception).
                _ = SlapMarshal.Write(value);
            }
            catch (SlapMarshalException)
            {
                refused++;
            }
        }

        Assert.True(refused > 0, "no mutation was refused");
        Assert.Equal(4000, decoded + refused);
    }

    private static string Mutate(string document, Random random)
    {
        var sb = new StringBuilder(document);
        var edits = random.Next(1, 4);
        for (var i = 0; i < edits && sb.Length > 0; i++)
        {
            var at = random.Next(sb.Length);
            switch (random.Next(4))
            {
                case 0:
                    sb.Length = at;
                    break;
                case 1:
                    sb[at] = Alphabet[random.Next(Alphabet.Length)];
                    break;
                case 2:
                    sb.Insert(at, Alphabet.AsSpan(random.Next(Alphabet.Length - 8), 8));
                    break;
                default:
                    sb.Remove(at, Math.Min(random.Next(1, 20), sb.Length - at));
                    break;
            }
        }

        return sb.ToString();
    }
}
