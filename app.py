"""The frame: page config, the shared filters in the sidebar, and navigation between pages."""

import streamlit as st

from dashboard import ui

st.set_page_config(page_title="ICC Ukraine events", page_icon=":material/balance:", layout="wide")

page = st.navigation(
    [
        st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
        st.Page("pages/map.py", title="Map", icon=":material/map:", url_path="map"),
        st.Page(
            "pages/timeline.py", title="Timeline", icon=":material/timeline:", url_path="timeline"
        ),
        st.Page("pages/cases.py", title="Cases", icon=":material/gavel:", url_path="cases"),
        st.Page("pages/explore.py", title="Explore", icon=":material/table:", url_path="explore"),
        st.Page("pages/about.py", title="About", icon=":material/info:", url_path="about"),
    ]
)
st.session_state["filters"] = ui.guarded(ui.sidebar_filters)
st.session_state["page_path"] = page.url_path
ui.guarded(page.run)
