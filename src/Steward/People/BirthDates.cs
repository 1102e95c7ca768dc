using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Steward.People;

/// <summary>
/// A person's stated birth date: personal data, so stored only sealed (AES-256-GCM) under the person's data key and bound
/// to the person, in <see cref="DataSubject.BirthDate"/>. Erasing the person (destroying the key) leaves it unreadable.
/// </summary>
internal sealed class BirthDates(SubjectKeys keys)
{
    /// <summary>The subject's birth date, opened with its data key only when one is stored; null when none is, or the key was destroyed.</summary>
    public async Task<DateOnly?> OpenAsync(DataSubject subject, CancellationToken ct) =>
        subject.BirthDate is { } sealedDate && await keys.OpenAsync(subject, ct) is { } dataKey ? Open(dataKey, subject.Id, sealedDate) : null;

    public static byte[] Seal(byte[] dataKey, Guid subjectId, DateOnly birthDate)
    {
        Span<byte> day = stackalloc byte[sizeof(int)];
        BinaryPrimitives.WriteInt32BigEndian(day, birthDate.DayNumber);
        return Sealed.Seal(dataKey, day, Associated(subjectId));
    }

    /// <summary>Opens a sealed birth date; throws <see cref="AuthenticationTagMismatchException"/> when it was altered or belongs to another subject.</summary>
    public static DateOnly Open(byte[] dataKey, Guid subjectId, byte[] sealedDate) =>
        DateOnly.FromDayNumber(BinaryPrimitives.ReadInt32BigEndian(Sealed.Open(dataKey, sealedDate, Associated(subjectId))));

    /// <summary>Whether someone born on <paramref name="birthDate"/> is younger than <paramref name="age"/> years on <paramref name="today"/>.</summary>
    public static bool YoungerThan(DateOnly birthDate, int age, DateOnly today) => birthDate.AddYears(age) > today;

    private static byte[] Associated(Guid subjectId) => Encoding.UTF8.GetBytes($"steward-birth-date\n{subjectId:D}");
}
