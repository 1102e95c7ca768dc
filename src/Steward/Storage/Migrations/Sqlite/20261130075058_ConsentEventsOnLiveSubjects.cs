using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Steward.Storage.Migrations.Sqlite
{
    /// <summary>
    /// Consent events are written only for a person still live (neither merged into another nor erased), and name only a
    /// live guardian. SQLite has one
    /// writer at a time, so the check sees every merge or erasure committed before the recording's write.
    /// </summary>
    public partial class ConsentEventsOnLiveSubjects : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE TRIGGER consent_events_live_subject BEFORE INSERT ON consent_events
                WHEN NOT EXISTS (SELECT 1 FROM data_subjects WHERE "Id" = NEW."SubjectId" AND "MergedIntoId" IS NULL AND "ErasedAt" IS NULL)
                    OR (NEW."GuardianId" IS NOT NULL
                        AND NOT EXISTS (SELECT 1 FROM data_subjects WHERE "Id" = NEW."GuardianId" AND "MergedIntoId" IS NULL AND "ErasedAt" IS NULL))
                BEGIN
                    SELECT RAISE(ABORT, 'SW409: consent events for a person merged or erased meanwhile');
                END;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER consent_events_live_subject;");
        }
    }
}
