using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Steward.Storage.Migrations.Postgres
{
    /// <summary>
    /// Every insert into consent_events tells every node which people's consent changed (the channel consent.changed of
    /// ChangeNotifications), as part of the inserting transaction: no separate NOTIFY round trip when recording.
    /// </summary>
    public partial class ConsentChangeTrigger : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE FUNCTION steward_consent_changed() RETURNS trigger LANGUAGE plpgsql AS $$
                DECLARE
                    people int;
                    ids text;
                BEGIN
                    SELECT count(DISTINCT "SubjectId"), string_agg(DISTINCT replace("SubjectId"::text, '-', ''), ',') INTO people, ids FROM new_rows;
                    IF people > 0 THEN
                        -- Over 100 people: "*", everyone (NOTIFY payloads must stay under 8000 bytes).
                        PERFORM pg_notify('steward_changes', 'consent.changed' || chr(10) || CASE WHEN people > 100 THEN '*' ELSE ids END);
                    END IF;
                    RETURN NULL;
                END
                $$;
                CREATE TRIGGER consent_events_changed AFTER INSERT ON consent_events
                    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION steward_consent_changed();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER consent_events_changed ON consent_events;
                DROP FUNCTION steward_consent_changed();
                """);
        }
    }
}
