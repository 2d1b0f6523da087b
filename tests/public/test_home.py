def test_home_lists_the_demo_appeal_with_its_progress(client, demo_appeal):
    page = client.get("/").get_data(as_text=True)
    assert "Stop the pressure on Kloop and its employees" in page
    assert "0 of 4 demands met" in page


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_home_introduces_the_instance_with_a_translated_default(client, app):
    page = client.get("/").get_data(as_text=True)
    assert '<h1 id="intro-heading" class="site-name">Answerable</h1>' in page
    assert "Answerable publishes appeals to the authorities" in page
    russian = client.get("/?lang=ru").get_data(as_text=True)
    assert "Answerable публикует обращения к властям" in russian
    kyrgyz = client.get("/?lang=ky").get_data(as_text=True)
    assert "Answerable бийликке кайрылууларды жарыялайт" in kyrgyz


def test_home_introduces_the_instance_from_its_settings(client, app):
    app.config["SITE_NAME"] = "Bishkek Appeals"
    app.config["SITE_DESCRIPTION"] = "Run by the Media Action Platform <of Kyrgyzstan>."
    page = client.get("/").get_data(as_text=True)
    assert '<h1 id="intro-heading" class="site-name">Bishkek Appeals</h1>' in page
    assert '<a class="brand" href="/">Bishkek Appeals</a>' in page
    assert "Run by the Media Action Platform &lt;of Kyrgyzstan&gt;." in page
    assert "publishes appeals to the authorities" not in page


def test_no_demand_met_is_not_shown_in_a_success_colour(client, db, demo_appeal):
    """'0 of 4 demands met' is neutral; the success colour (class some-met) only once one is."""
    pages = ("/", f"/appeals/{demo_appeal.slug}", f"/appeals/{demo_appeal.slug}/embed")
    for url in pages:
        page = client.get(url).get_data(as_text=True)
        assert "0 of 4 demands met" in page and "some-met" not in page, url
    for target in demo_appeal.demands[0].targets:
        target.status = "met"
    db.session.commit()
    for url in pages:
        page = client.get(url).get_data(as_text=True)
        assert 'progress-summary some-met">1 of 4 demands met' in page, url
