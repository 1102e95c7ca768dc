using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Steward.Storage.Migrations.Postgres
{
    /// <summary>
    /// Consent events are written only for a person still live (neither merged into another nor erased), and name only a
    /// live guardian. The insert's
    /// foreign key already holds the person's row (FOR KEY SHARE) until the recording commits, and a merge or an erasure
    /// locks that row FOR UPDATE before it changes anything: so a merge either waits for a recording and then moves its
    /// events, or commits first, and then this statement trigger, which runs after the foreign key's check has waited for
    /// it, sees the person gone and fails the recording with SQLSTATE SW409 (nothing is left on a person merged away).
    /// The check reads; it takes no lock of its own, so a recording writes nothing more than before.
    /// </summary>
    public partial class ConsentEventsOnLiveSubjects : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE OR REPLACE FUNCTION steward_consent_changed() RETURNS trigger LANGUAGE plpgsql AS $$
                DECLARE
                    people int;
                    named int;
                    live int;
                    ids text;
                BEGIN
                    SELECT count(DISTINCT "SubjectId"), string_agg(DISTINCT replace("SubjectId"::text, '-', ''), ',') INTO people, ids FROM new_rows;
                    IF people > 0 THEN
                        -- The people the events are about, and the guardians who gave them.
                        SELECT count(*) INTO named FROM (SELECT "SubjectId" FROM new_rows UNION SELECT "GuardianId" FROM new_rows WHERE "GuardianId" IS NOT NULL) n;
                        SELECT count(*) INTO live FROM data_subjects d
                            WHERE d."Id" IN (SELECT "SubjectId" FROM new_rows UNION SELECT "GuardianId" FROM new_rows WHERE "GuardianId" IS NOT NULL)
                            AND d."MergedIntoId" IS NULL AND d."ErasedAt" IS NULL;
                        IF live < named THEN
                            RAISE EXCEPTION 'consent events for a person merged or erased meanwhile' USING ERRCODE = 'SW409';
                        END IF;
                        -- Over 100 people: "*", everyone (NOTIFY payloads must stay under 8000 bytes).
                        PERFORM pg_notify('steward_changes', 'consent.changed' || chr(10) || CASE WHEN people > 100 THEN '*' ELSE ids END);
                    END IF;
                    RETURN NULL;
                END
                $$;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE OR REPLACE FUNCTION steward_consent_changed() RETURNS trigger LANGUAGE plpgsql AS $$
                DECLARE
                    people int;
                    ids text;
                BEGIN
                    SELECT count(DISTINCT "SubjectId"), string_agg(DISTINCT replace("SubjectId"::text, '-', ''), ',') INTO people, ids FROM new_rows;
                    IF people > 0 THEN
                        PERFORM pg_notify('steward_changes', 'consent.changed' || chr(10) || CASE WHEN people > 100 THEN '*' ELSE ids END);
                    END IF;
                    RETURN NULL;
                END
                $$;
                """);
        }
    }
}
