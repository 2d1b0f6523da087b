def test_home_lists_the_demo_appeal_with_its_progress(client, demo_appeal):
    page = client.get("/").get_data(as_text=True)
    assert "Stop the pressure on Kloop and its journalists" in page
    assert "0 of 4 demands met" in page


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}
