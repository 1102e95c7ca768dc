using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Steward.Storage.Migrations.Postgres
{
    /// <summary>
    /// Consent events are written only for a person still live (neither merged into another nor erased). The insert's
    /// statement trigger holds each person's row (FOR SHARE) until the recording commits: a merge or an erasure claims that
    /// row first, so it either waits for the recording and then moves or shreds its events, or commits first and the
    /// recording fails with SQLSTATE SW409 (nothing is left on a person merged away).
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
                    live int;
                    ids text;
                BEGIN
                    SELECT count(DISTINCT "SubjectId"), string_agg(DISTINCT replace("SubjectId"::text, '-', ''), ',') INTO people, ids FROM new_rows;
                    IF people > 0 THEN
                        PERFORM 1 FROM data_subjects d
                            WHERE d."Id" IN (SELECT "SubjectId" FROM new_rows) AND d."MergedIntoId" IS NULL AND d."ErasedAt" IS NULL
                            FOR SHARE;
                        GET DIAGNOSTICS live = ROW_COUNT;
                        IF live < people THEN
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
