-- A task is an action to carry out or an approval to give (a risk's acceptance, an assessment's
-- sign-off): "My work" shows what a person must approve apart from the rest.
ALTER TABLE tasks ADD COLUMN kind TEXT NOT NULL DEFAULT 'action';
CREATE INDEX tasks_owner_kind ON tasks(org_id, owner_id, kind, active, due_key, id);
