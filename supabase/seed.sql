-- Local demo data. Never run against a production project with real participants.
-- The researcher account is for local use only: researcher@example.org / local-demo-password
-- (see README). Anyone deploying creates their own researcher accounts instead.

insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
                        raw_app_meta_data, raw_user_meta_data, is_anonymous, created_at, updated_at,
                        confirmation_token, recovery_token, email_change_token_new, email_change)
values ('00000000-0000-0000-0000-000000000000', '00000000-0000-4000-a000-000000000001', 'authenticated',
        'authenticated', 'researcher@example.org',
        extensions.crypt('local-demo-password', extensions.gen_salt('bf')), now(),
        '{"provider": "email", "providers": ["email"]}', '{}', false, now(), now(), '', '', '', '')
on conflict (id) do nothing;

insert into auth.identities (id, provider_id, user_id, identity_data, provider, last_sign_in_at, created_at, updated_at)
values ('00000000-0000-4000-a000-000000000001', '00000000-0000-4000-a000-000000000001',
        '00000000-0000-4000-a000-000000000001',
        '{"sub": "00000000-0000-4000-a000-000000000001", "email": "researcher@example.org"}',
        'email', now(), now(), now())
on conflict do nothing;

insert into public.researchers (id, email, display_name)
values ('00000000-0000-4000-a000-000000000001', 'researcher@example.org', 'Demo researcher')
on conflict (id) do nothing;

-- The demo stimulus set: its images and stimuli are imported from its manifest
-- (built by `npm start` into .local/stimuli/demo from the photos in static/stimuli/photos).
insert into public.stimulus_sets (id, slug, name, description, is_demo, base_url, levels, seed)
values ('00000000-0000-4000-b000-000000000001', 'demo', 'Demo set',
        'Openly licensed photographs of animals and non-animals, masked at 10 reveal levels.',
        true, '/stimuli/demo', '{}', 1)
on conflict (id) do nothing;

insert into public.studies (id, slug, owner_id, title, description, stimulus_set_id, config, status)
values ('00000000-0000-4000-c000-000000000001', 'demo', '00000000-0000-4000-a000-000000000001',
        'Animal or not? (demo)', 'Decide as fast as you can whether each briefly shown picture contains an animal.',
        '00000000-0000-4000-b000-000000000001', '{"keys": ["s", "l"]}', 'live')
on conflict (id) do nothing;
